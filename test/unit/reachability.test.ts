import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeReachable } from '../../lib/reachability.js';

test('nodeReachable dials loopback for the names only Chromium resolves, and keeps everything else', () => {
  assert.equal(nodeReachable('http://gateway.localhost:4000/admin?x=1'), 'http://127.0.0.1:4000/admin?x=1');
  assert.equal(nodeReachable('https://gateway.test:8443/oauth/callback'), 'https://127.0.0.1:8443/oauth/callback');
  assert.equal(nodeReachable('http://localhost:4000/'), 'http://127.0.0.1:4000/');
  assert.equal(nodeReachable('http://127.0.0.1:4000/'), 'http://127.0.0.1:4000/');
  assert.equal(nodeReachable('http://gateway.example.com/'), 'http://gateway.example.com/');
  assert.equal(nodeReachable('http://attest.example/'), 'http://attest.example/');
});
