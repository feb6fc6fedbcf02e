/** The reference gateway's post-authorization return_to check (FLOW-17): paths of the gateway only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReturnTo } from '../../targets/reference/server/return-to.js';
import { faultFlags } from '../../targets/reference/server/faults.js';

const ORIGIN = 'http://gateway.localhost:4000';
const correct = faultFlags(null);
const prefixCheck = faultFlags('return-to-prefix-check');

const HOSTILE = [
  'http://evil.localhost/x',
  '//evil.localhost/x',
  '/\\evil.localhost/x',
  '\\/evil.localhost/x',
  '/\t/evil.localhost/x',
  'http:evil.localhost/x',
  'javascript:alert(1)',
  ' /admin',
  '',
];

test('the correct gateway accepts its own paths, normalised', () => {
  assert.deepEqual(parseReturnTo('/admin', ORIGIN, correct), { kind: 'ok', path: '/admin' });
  assert.deepEqual(parseReturnTo('/profile?tab=1#top', ORIGIN, correct), { kind: 'ok', path: '/profile?tab=1#top' });
  assert.deepEqual(parseReturnTo('/a/../admin', ORIGIN, correct), { kind: 'ok', path: '/admin' });
  // Still encoded: the browser reads it as a path of the gateway, never as "//".
  assert.deepEqual(parseReturnTo('/%2F%2Fevil.localhost', ORIGIN, correct), { kind: 'ok', path: '/%2F%2Fevil.localhost' });
  assert.deepEqual(parseReturnTo(undefined, ORIGIN, correct), { kind: 'absent' });
});

test('the correct gateway refuses everything a browser could read as another site', () => {
  for (const value of HOSTILE) assert.equal(parseReturnTo(value, ORIGIN, correct).kind, 'refused', JSON.stringify(value));
  assert.equal(parseReturnTo(['/a', '/b'], ORIGIN, correct).kind, 'refused');
});

test('return-to-prefix-check lets protocol-relative and backslash forms through', () => {
  assert.deepEqual(parseReturnTo('//evil.localhost/x', ORIGIN, prefixCheck), { kind: 'ok', path: '//evil.localhost/x' });
  assert.deepEqual(parseReturnTo('/\\evil.localhost/x', ORIGIN, prefixCheck), { kind: 'ok', path: '/\\evil.localhost/x' });
});
