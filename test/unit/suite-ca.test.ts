/**
 * The run's suite CA (lib/suite-ca.ts) and the https servers TOKEN-28 presents (fixtures/recording-tls-server.ts): a
 * client that trusts the suite CA finishes the handshake with its certificate for 127.0.0.1, refuses its certificate for
 * another host only by the name, and refuses the throwaway CA's certificate by the chain; nothing of the CA outlives it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { makeSuiteCa, suiteCaEnv, suiteCaFromEnv, suiteCaTrust } from '../../lib/suite-ca.js';
import { startSuiteSignedTlsServer, startUntrustedTlsServer, type RecordingTlsServer } from '../../fixtures/recording-tls-server.js';

/** GETs `/probe` from `server` trusting `ca` only; resolves with the status or the TLS error's code. */
function get(server: RecordingTlsServer, ca: string, options: { checkName?: boolean } = {}): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${server.origin}/probe`, { ca, ...(options.checkName === false ? { checkServerIdentity: () => undefined } : {}) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

test('the suite CA: a private folder, a bundle of what the process already trusted plus the CA, read back from the environment, removed', async () => {
  const extra = '/etc/ssl/certs/ca-certificates.crt';
  const made = await makeSuiteCa({ NODE_EXTRA_CA_CERTS: extra });
  try {
    assert.equal(statSync(made.dir).mode & 0o777, 0o700);
    assert.equal(statSync(made.ca.caKeyPath).mode & 0o077, 0, 'the CA key is readable by us only');
    const bundle = readFileSync(made.ca.trustBundlePath, 'utf8');
    assert.ok(bundle.includes(readFileSync(made.ca.caCertPath, 'utf8').trim()), 'the bundle holds the suite CA');
    if (existsSync(extra)) assert.ok(bundle.startsWith(readFileSync(extra, 'utf8').trim().slice(0, 200)), 'and the CAs trusted before');
    const env = suiteCaEnv(made.dir, made.ca);
    assert.equal(env['NODE_EXTRA_CA_CERTS'], made.ca.trustBundlePath);
    assert.deepEqual(suiteCaFromEnv(env), made.ca);
    assert.deepEqual(suiteCaTrust('openssl', env), { SSL_CERT_FILE: made.ca.trustBundlePath });
    assert.deepEqual(suiteCaTrust('node', env), { NODE_EXTRA_CA_CERTS: made.ca.trustBundlePath });
  } finally {
    await made.remove();
  }
  assert.equal(existsSync(made.dir), false);
  assert.equal(suiteCaFromEnv({}), undefined, 'no suite CA: nothing to trust');
  assert.deepEqual(suiteCaTrust('node', {}), {});
});

test("TOKEN-28's servers: refused by the chain, by the name only, or accepted, as a client that trusts the suite CA sees them", async () => {
  const made = await makeSuiteCa({});
  const servers: RecordingTlsServer[] = [];
  try {
    const ca = readFileSync(made.ca.caCertPath, 'utf8');
    const control = await startSuiteSignedTlsServer(made.ca, { hostNames: ['localhost'], loopbackAddress: true });
    const otherName = await startSuiteSignedTlsServer(made.ca, { hostNames: ['another-server.invalid'], loopbackAddress: false });
    const untrusted = await startUntrustedTlsServer();
    servers.push(control, otherName, untrusted);

    assert.equal(await get(control, ca), 502, 'the control is accepted');
    assert.deepEqual(control.record().requests, [{ method: 'GET', path: '/probe', authorization: false }]);
    assert.equal(control.record().handshakesCompleted, 1);

    assert.equal(await get(otherName, ca), 'ERR_TLS_CERT_ALTNAME_INVALID', 'refused for its name');
    assert.equal(await get(otherName, ca, { checkName: false }), 502, 'and for nothing else: the chain is good');

    assert.equal(await get(untrusted, ca), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'the throwaway CA is not the suite CA');
    assert.equal(untrusted.record().requests.length, 0);
    assert.equal(untrusted.record().connections, 1);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await made.remove();
  }
});
