/** What stays on the machine, and what the harness lists as stopped by the browser's host rule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staysOnMachine, stoppedByHostRule } from '../../lib/on-machine.js';

test('loopback names, *.localhost and *.test stay; everything else leaves', () => {
  for (const url of ['http://localhost:1/', 'http://app.localhost:2/x', 'https://gateway.test:3/', 'http://127.0.0.1/', 'http://[::1]:4/', 'data:text/plain,x']) {
    assert.equal(staysOnMachine(new URL(url)), true, url);
  }
  for (const url of ['https://cdn.example.com/x.js', 'http://127.example.com/', 'https://localhost.evil.com/']) assert.equal(staysOnMachine(new URL(url)), false, url);
});

test('the host rule stopped it: off the machine and its name not resolved, nothing else', () => {
  const unresolved = 'net::ERR_NAME_NOT_RESOLVED';
  assert.equal(stoppedByHostRule(unresolved, 'https://fonts.example.net/a.woff2'), true);
  // The console's form of the same failure, with the resource's URL as its location.
  assert.equal(stoppedByHostRule(`Failed to load resource: ${unresolved}`, 'https://cdn.example.com/x.js'), true);
  // A load the page abandoned (ERR_ABORTED) or an adapter's abort (listed by the adapter) is not the rule's.
  assert.equal(stoppedByHostRule('net::ERR_ABORTED', 'https://cdn.jsdelivr.net/npm/marked/marked.min.js'), false);
  assert.equal(stoppedByHostRule('net::ERR_BLOCKED_BY_CLIENT', 'https://cdn.example.com/x.js'), false);
  assert.equal(stoppedByHostRule('Uncaught TypeError: boom', 'https://cdn.example.com/x.js'), false);
  assert.equal(stoppedByHostRule(unresolved, 'http://localhost:9/a.js'), false);
  // A console message without a location, or with one that is no URL.
  assert.equal(stoppedByHostRule(unresolved, ''), false);
  assert.equal(stoppedByHostRule(unresolved, 'not a url'), false);
});
