/**
 * The pure parts of the flow and token checks: the substring leak scan, the guessable-state detectors and
 * Set-Cookie parsing. Each case is a shape a held-out bug could take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { scanForTokens } from '../../fixtures/token-scan.js';
import { findHashDerivation, guessableInputs, maxRandomBits, sequentialPair, varyingBits } from '../../fixtures/guessable-state.js';
import { parseSetCookie } from '../../fixtures/cookie-watch.js';
import { asksToAuthorize } from '../../fixtures/messages.js';
import { hashSecret } from '../../lib/secrets.js';
import type { LeakScanSecret } from '../../mock-idp/types.js';

const token = `${randomBytes(20).toString('base64url')}.${randomBytes(30).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
const secret: LeakScanSecret = { kind: 'access', tokenHash: hashSecret(token), value: token };

test('the leak scan finds a token wherever it sits in a URL or text, also URL-encoded', () => {
  const shapes = [
    `http://gw.localhost/done?access_token=${token}`,
    `http://gw.localhost/done#access_token=${token}`,
    `http://gw.localhost/tokens/${token}/view`,
    `token=${token}`,
    `http://gw.localhost/x?next=${encodeURIComponent(`/done?access_token=${token}`)}`,
    `http://gw.localhost/x?next=${encodeURIComponent(encodeURIComponent(token))}`,
    `{"access_token":"${token}"}`,
    `<div data-t="${token}">`,
  ];
  for (const text of shapes) {
    assert.equal(scanForTokens([{ where: 'x', text }], [secret]).length, 1, text.replace(token, 'T'));
  }
  assert.deepEqual(scanForTokens([{ where: 'x', text: `nothing here ${token.slice(0, 30)}` }], [secret]), []);
});

test('guessable states: a hash of "<gateway>:<counter>", of a timestamp, and sequential values are found; random ones are not', () => {
  const now = Date.now();
  const options = { identifiers: ['gw-1'], gatewayIds: ['gw-1'], users: ['alice'], fromMs: now - 500, toMs: now + 500 };
  const hashed = [3, 4, 5].map((n) => createHash('sha256').update(`gw-1:${n}`).digest('base64url'));
  assert.equal(findHashDerivation(hashed, guessableInputs(options))?.input, 'gw-1:3');
  const hexTruncated = [createHash('sha1').update(String(now)).digest('hex').slice(0, 32)];
  assert.equal(findHashDerivation(hexTruncated, guessableInputs(options))?.algorithm, 'sha1');
  const random = [1, 2, 3, 4, 5].map(() => randomBytes(32).toString('base64url'));
  assert.equal(findHashDerivation(random, guessableInputs(options)), undefined);
  assert.equal(sequentialPair(random), undefined);
  assert.ok(varyingBits(random) >= 100);
  assert.ok(maxRandomBits(random[0] ?? '') >= 128);
  const base = BigInt(`0x${randomBytes(24).toString('hex')}`);
  const counter = [0n, 1n, 2n].map((i) => Buffer.from((base + i).toString(16).padStart(48, '0'), 'hex').toString('base64url'));
  assert.ok(sequentialPair(counter));
  const padded = [1, 2, 3, 4, 5].map(() => Buffer.concat([Buffer.alloc(24), randomBytes(8)]).toString('base64url'));
  assert.ok(varyingBits(padded) < 100, 'constant padding does not count as randomness');
  assert.ok(maxRandomBits('0123456789abcdef0123456789abcde') < 128);
});

test('Set-Cookie parsing keeps every attribute, lower-cased', () => {
  const parsed = parseSetCookie('gw_session=abc=def; Path=/; HttpOnly; SameSite=Lax');
  assert.deepEqual(parsed, { name: 'gw_session', value: 'abc=def', attributes: { path: '/', httponly: '', samesite: 'Lax' } });
});

test('"authorize again" is a verb: header names and status words do not count', () => {
  assert.ok(asksToAuthorize('Authorization expired or revoked: authorize again'));
  assert.ok(asksToAuthorize('Please re-authorize this gateway'));
  assert.ok(asksToAuthorize('Not authorized yet: authorize this gateway first'));
  assert.ok(!asksToAuthorize('Cookie authentication not allowed for API requests. Use Authorization header.'));
  assert.ok(!asksToAuthorize('401 Unauthorized'));
  assert.ok(!asksToAuthorize('You are not authorized'));
});
