/** Playwright's console output goes through the same redaction as the report files before it reaches CI logs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { pipeRedacted, redactConsoleLine } from '../../cli/console-redaction.js';

const CODE = 'Zx81codeValue123456';
const STATE = 'st4te-abcdef-0123456789';
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';

test('callback URLs, bearer tokens, JWTs and filled values are hashed in a console line', () => {
  const lines = [
    `TimeoutError: page.goto: Timeout 10000ms exceeded. navigating to "http://gateway.localhost:1234/oauth/callback?code=${CODE}&state=${STATE}"`,
    `Error: upstream saw Authorization: Bearer ${JWT}`,
    `  - locator.fill("hunter2-password") waiting for getByLabel('Password')`,
  ];
  const out = lines.map(redactConsoleLine).join('\n');
  for (const secret of [CODE, STATE, JWT, 'hunter2-password']) assert.ok(!out.includes(secret), `${secret} left in: ${out}`);
  assert.match(out, /page\.goto: Timeout 10000ms exceeded/);
});

test('whole lines are redacted even when a secret arrives split over two chunks; dot progress passes at once', async () => {
  const from = new PassThrough();
  let written = '';
  const writes: string[] = [];
  const to = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      written += chunk.toString();
      writes.push(chunk.toString());
      done();
    },
  });
  const copying = pipeRedacted(from, to);
  from.write('··');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(writes, ['··'], 'progress marks are not held back');
  from.write(`\nnavigating to "/oauth/callback?code=${CODE.slice(0, 8)}`);
  from.write(`${CODE.slice(8)}&state=${STATE}"\n`);
  from.end();
  await copying;
  assert.ok(!written.includes(CODE) && !written.includes(STATE), written);
});
