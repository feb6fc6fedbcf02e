/**
 * The certification bundle without Playwright: a bundle built from a fixture report verifies (with its own
 * key and with the key pinned); changing one byte of any bundled file, of the manifest or of the signature,
 * adding or removing a file, or pinning another key makes verification fail; a report with a failed MUST,
 * a partial run or a planted secret is refused with its reasons.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildBundle, type BundleResult } from '../../certify/bundle.js';
import { readArchive, writeArchive } from '../../certify/archive.js';
import { verifyBundle } from '../../certify/verify.js';
import { configSnapshot } from '../../certify/config-snapshot.js';
import { loadSigningKey, publicKeyPem } from '../../certify/sign.js';
import { MANIFEST_PATH, SIGNATURE_PATH, parseManifest } from '../../certify/manifest.js';
import { fixtureReport, reportFiles } from './certify-fixtures.js';

const { privateKey } = generateKeyPairSync('ed25519');
const CONFIG = { argv: ['run'], plan: [], env: {}, removed: [] };

async function bundleOf(report = fixtureReport(), plant: Parameters<typeof reportFiles>[1] = {}, key: KeyObject = privateKey): Promise<BundleResult> {
  return buildBundle({ reportFiles: await reportFiles(report, plant), config: CONFIG, signingKey: key, now: new Date('2026-12-02T04:00:00Z') });
}

async function goodArchive(): Promise<Buffer> {
  const result = await bundleOf();
  assert.ok(result.ok, `bundle refused: ${result.ok ? '' : result.reasons.join('; ')}`);
  return result.archive;
}

/** Rewrites one entry of the archive (a tampered but well-formed zip). */
async function withEntry(archive: Buffer, path: string, change: (bytes: Uint8Array) => Uint8Array | null): Promise<Buffer> {
  const files = await readArchive(archive);
  const out = files.flatMap((f) => {
    if (f.path !== path) return [f];
    const changed = change(f.bytes);
    return changed === null ? [] : [{ path: f.path, bytes: changed }];
  });
  return writeArchive(out);
}

function flipByte(bytes: Uint8Array, at = Math.floor(bytes.length / 2)): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

test('a bundle built from a passing full report verifies, with its own key and with the key pinned', async () => {
  const archive = await goodArchive();
  const own = await verifyBundle(archive);
  assert.deepEqual(own.problems, []);
  assert.equal(own.manifest?.target.name, 'reference');
  assert.equal(own.manifest?.suite.version, '0.1.0');
  assert.equal(own.manifest?.verdict, 'pass');
  const paths = (await readArchive(archive)).map((f) => f.path).sort();
  assert.deepEqual(paths, [
    'config.json',
    'manifest.json',
    'manifest.sig',
    'public-key.pem',
    'report/conformance.html',
    'report/conformance.json',
    'report/conformance.md',
    'report/html/index.html',
    'report/junit.xml',
  ]);
  const pinned = await verifyBundle(archive, { publicKeyPem: publicKeyPem(privateKey) });
  assert.deepEqual(pinned.problems, []);
});

test('pinning another key fails, even though the bundle is consistent with its own key', async () => {
  const other = generateKeyPairSync('ed25519').privateKey;
  const result = await verifyBundle(await goodArchive(), { publicKeyPem: publicKeyPem(other) });
  assert.ok(result.problems.some((p) => /not a valid signature .* by the pinned key/.test(p)), result.problems.join('\n'));
});

test('flipping one byte of any bundled file fails verification and names the file', async () => {
  const archive = await goodArchive();
  const manifest = parseManifest((await readArchive(archive)).find((f) => f.path === MANIFEST_PATH)?.bytes ?? new Uint8Array());
  for (const entry of manifest.files) {
    const tampered = await withEntry(archive, entry.path, (b) => flipByte(b));
    const { problems } = await verifyBundle(tampered);
    assert.ok(problems.length > 0, `${entry.path}: tampering went unnoticed`);
    // public-key.pem: the key itself changed, so the signature (or the key) fails instead of a digest.
    if (entry.path !== 'public-key.pem') assert.ok(problems.some((p) => p.startsWith(`${entry.path}:`)), `${entry.path}: ${problems.join('; ')}`);
  }
});

test('flipping one byte of the manifest or the signature fails verification', async () => {
  const archive = await goodArchive();
  const manifest = await verifyBundle(await withEntry(archive, MANIFEST_PATH, (b) => flipByte(b, 40)));
  assert.ok(manifest.problems.some((p) => /manifest\.sig is not a valid signature/.test(p) || /manifest\.json is/.test(p)), manifest.problems.join('\n'));
  const signature = await verifyBundle(
    await withEntry(archive, SIGNATURE_PATH, (b) => {
      // Change a base64 character (not the trailing newline) so the decoded signature differs.
      const text = Buffer.from(b).toString('utf8');
      return Buffer.from(`${text[0] === 'A' ? 'B' : 'A'}${text.slice(1)}`, 'utf8');
    }),
  );
  assert.ok(signature.problems.some((p) => /manifest\.sig is not a valid signature/.test(p)), signature.problems.join('\n'));
});

test('a byte flipped in the raw archive, a removed file and an added file all fail verification', async () => {
  const archive = await goodArchive();
  const raw = await verifyBundle(Buffer.from(flipByte(archive, Math.floor(archive.length / 3))));
  assert.ok(raw.problems.length > 0, 'raw flip went unnoticed');
  const removed = await verifyBundle(await withEntry(archive, 'report/junit.xml', () => null));
  assert.ok(removed.problems.some((p) => /report\/junit\.xml is listed in the manifest but missing/.test(p)), removed.problems.join('\n'));
  const files = await readArchive(archive);
  const added = await verifyBundle(await writeArchive([...files, { path: 'report/extra.txt', bytes: Buffer.from('hello') }]));
  assert.ok(added.problems.some((p) => /report\/extra\.txt is in the bundle but not in the manifest/.test(p)), added.problems.join('\n'));
  const notZip = await verifyBundle(Buffer.from('not a zip'));
  assert.match(notZip.problems[0] ?? '', /not a readable zip/);
});

test('a report with a failed MUST is refused, naming the requirement and the verdict', async () => {
  const result = await bundleOf(fixtureReport({ 'SESSION-01': 'failed' }));
  assert.equal(result.ok, false);
  const reasons = result.ok ? [] : result.reasons;
  assert.ok(reasons.includes('reference: MUST requirement SESSION-01 is failed'), reasons.join('\n'));
  assert.ok(reasons.includes('reference: verdict is fail, not pass or pass-with-warnings'), reasons.join('\n'));
});

test('a not-testable MUST and a partial run are refused', async () => {
  const notTestable = await bundleOf(fixtureReport({ 'FLOW-03': 'timedOut' }));
  assert.ok(!notTestable.ok && notTestable.reasons.includes('reference: MUST requirement FLOW-03 is not-testable'), JSON.stringify(notTestable));
  const partial = await bundleOf(fixtureReport({ 'SESSION-01': 'passed' }, { partialReason: 'limited to SESSION-01' }));
  assert.equal(partial.ok, false);
  const reasons = partial.ok ? [] : partial.reasons;
  assert.ok(reasons.some((r) => /partial run \(limited to SESSION-01\)/.test(r)), reasons.join('\n'));
  assert.ok(reasons.some((r) => /MUST requirement XSITE-01 is not-tested/.test(r)), reasons.join('\n'));
});

test('a planted secret in conformance.md or in the HTML report data is refused, without printing the secret', async () => {
  const bearer = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQ';
  const md = await bundleOf(fixtureReport(), { md: `\nAuthorization: Bearer ${bearer}\n` });
  assert.equal(md.ok, false);
  const mdReasons = md.ok ? [] : md.reasons;
  assert.ok(mdReasons.some((r) => r.startsWith('secret scan: report/conformance.md:')), mdReasons.join('\n'));
  assert.ok(!mdReasons.join('\n').includes(bearer), 'the refusal repeats the secret');

  const code = 'SplxlOBeZQQYbYS6WxSbIA';
  const html = await bundleOf(fixtureReport(), { htmlData: `http://gateway.localhost/oauth/callback?code=${code}&state=abcdefgh12345678` });
  const htmlReasons = html.ok ? [] : html.reasons;
  assert.ok(htmlReasons.some((r) => r.startsWith('secret scan: report/html/index.html#embedded-report!report.json:')), htmlReasons.join('\n'));
  assert.ok(!htmlReasons.join('\n').includes(code), 'the refusal repeats the secret');
});

test('the configuration snapshot keeps no password and no signing-key path', () => {
  const plan = [
    {
      id: 'contextforge',
      target: 'contextforge' as const,
      faultMode: null,
      harnessFault: null,
      deployment: 'direct' as const,
      only: [],
      settings: { baseUrl: 'http://gateway.localhost:4444', admin: { email: 'a@example.com', password: 'hunter2-secret' } },
    },
  ];
  const snapshot = configSnapshot(['run', '--password', 'hunter2-secret', '--signing-key', '/keys/vendor.pem', '--certify'], plan);
  const text = JSON.stringify(snapshot);
  assert.ok(!text.includes('hunter2-secret'));
  assert.ok(!text.includes('vendor.pem'));
  assert.deepEqual(snapshot.argv, ['run', '--password', null, '--certify']);
  assert.deepEqual(snapshot.removed, ['argv --password', 'plan contextforge settings.admin.password']);
});

test('only Ed25519 private keys sign', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => loadSigningKey(rsa), /rsa, not ed25519/);
  assert.throws(() => loadSigningKey('nonsense'), /not a PEM private key/);
  const ed = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.equal(loadSigningKey(ed).asymmetricKeyType, 'ed25519');
});

test('the manifest schema refuses paths that climb out of the bundle', async () => {
  const files = await readArchive(await goodArchive());
  const manifest = JSON.parse(Buffer.from(files.find((f) => f.path === MANIFEST_PATH)?.bytes ?? []).toString('utf8')) as { files: { path: string }[] };
  const first = manifest.files[0];
  assert.ok(first);
  first.path = '../evil';
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify(manifest))), /not a plain relative path/);
});
