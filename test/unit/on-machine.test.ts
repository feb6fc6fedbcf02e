/** What the harness lists as bound off the machine: failed requests and console load failures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOffMachineLoadFailure, staysOnMachine, stoppedByHostRule } from '../../lib/on-machine.js';

test('loopback names, *.localhost and *.test stay; everything else leaves', () => {
  for (const url of ['http://localhost:1/', 'http://app.localhost:2/x', 'https://gateway.test:3/', 'http://127.0.0.1/', 'http://[::1]:4/', 'data:text/plain,x']) {
    assert.equal(staysOnMachine(new URL(url)), true, url);
  }
  for (const url of ['https://cdn.example.com/x.js', 'http://127.example.com/', 'https://localhost.evil.com/']) assert.equal(staysOnMachine(new URL(url)), false, url);
});

test("a request the host rule stopped: off the machine and its name not resolved, nothing else", () => {
  const failed = (url: string, errorText: string) => ({ url: () => url, failure: () => ({ errorText }) });
  assert.equal(stoppedByHostRule(failed('https://fonts.example.net/a.woff2', 'net::ERR_NAME_NOT_RESOLVED')), true);
  // A load the page abandoned (ERR_ABORTED) or an adapter's abort (listed by the adapter) is not the rule's.
  assert.equal(stoppedByHostRule(failed('https://cdn.jsdelivr.net/npm/marked/marked.min.js', 'net::ERR_ABORTED')), false);
  assert.equal(stoppedByHostRule(failed('https://cdn.example.com/x.js', 'net::ERR_BLOCKED_BY_CLIENT')), false);
  assert.equal(stoppedByHostRule(failed('http://localhost:9/a.js', 'net::ERR_NAME_NOT_RESOLVED')), false);
  assert.equal(stoppedByHostRule({ url: () => 'https://cdn.example.com/x.js', failure: () => null }), false);
});

test("a console load failure is the host rule's only when it names an off-machine resource", () => {
  const text = 'Failed to load resource: net::ERR_NAME_NOT_RESOLVED';
  assert.equal(isOffMachineLoadFailure(text, 'https://cdn.example.com/x.js'), true);
  assert.equal(isOffMachineLoadFailure(text, 'http://localhost:9/x.js'), false);
  assert.equal(isOffMachineLoadFailure(text, ''), false);
  assert.equal(isOffMachineLoadFailure('Uncaught TypeError: boom', 'https://cdn.example.com/x.js'), false);
  assert.equal(isOffMachineLoadFailure('Failed to load resource: net::ERR_ABORTED', 'https://cdn.example.com/x.js'), false);
  assert.equal(isOffMachineLoadFailure(text, 'not a url'), false);
});
