import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret, redactParams, redactText } from '../../lib/secrets.js';

test('hashSecret is stable, short and reveals nothing', () => {
  assert.match(hashSecret('abc'), /^sha256:[0-9a-f]{16}$/);
  assert.equal(hashSecret('abc'), hashSecret('abc'));
  assert.notEqual(hashSecret('abc'), hashSecret('abd'));
});

test('redactParams hashes secret-valued parameters only', () => {
  const out = redactParams({ code: 'c0de-value', state: 'visible', client_secret: 's3cret' });
  assert.equal(out['state'], 'visible');
  assert.equal(out['code'], hashSecret('c0de-value'));
  assert.equal(out['client_secret'], hashSecret('s3cret'));
});

test('redactText removes known secrets, bearer tokens, JWTs and token assignments', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
  const text = `Authorization: Bearer abcdefghijklmnop; jwt ${jwt}; access_token=tok123456789; cookie gw_session=sessval123; known SeCrEt-Value`;
  const out = redactText(text, ['SeCrEt-Value']);
  for (const secret of ['abcdefghijklmnop', jwt, 'tok123456789', 'sessval123', 'SeCrEt-Value']) assert.ok(!out.includes(secret), `${secret} left in ${out}`);
  assert.ok(out.includes(hashSecret('SeCrEt-Value')));
});

test('redactText keeps JSON valid when a token assignment sits in a JSON string inside JSON (a response body in a report)', () => {
  const body = JSON.stringify({ message: 'Authorization expired [request: grant_type=refresh_token&refresh_token=rt-0123456789abcdef]' });
  const report = JSON.stringify({ evidence: { body } }, null, 2);
  const redacted = redactText(report);
  assert.doesNotMatch(redacted, /rt-0123456789abcdef/);
  const parsed = JSON.parse(redacted) as { evidence: { body: string } };
  assert.match((JSON.parse(parsed.evidence.body) as { message: string }).message, /refresh_token=sha256:[0-9a-f]{16}/);
});
