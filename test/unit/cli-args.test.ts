import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../cli/args.js';

test('no arguments: the correct reference gateway', () => {
  const { plan, playwrightArgs } = parseArgs([]);
  assert.deepEqual(plan, [{ id: 'reference', target: 'reference', faultMode: null, harnessFault: null, deployment: 'direct', only: [], settings: {} }]);
  assert.deepEqual(playwrightArgs, []);
});

test('a fault mode, with Playwright options passed through', () => {
  const { plan, playwrightArgs } = parseArgs(['--fault', 'csrf-open', '--repeat-each', '3', '--grep=XSITE']);
  assert.equal(plan[0]?.id, 'reference@csrf-open');
  assert.equal(plan[0]?.faultMode, 'csrf-open');
  assert.deepEqual(playwrightArgs, ['--repeat-each', '3', '--grep=XSITE']);
});

test('bad input is one readable line', () => {
  assert.throws(() => parseArgs(['--fault', 'no-such-bug']), /unknown fault mode "no-such-bug"; valid: .*csrf-open/);
  assert.throws(() => parseArgs(['--target', 'nginx']), /--target must be one of: reference, contextforge/);
  assert.throws(() => parseArgs(['--target', 'contextforge']), /needs --target-version/);
  assert.throws(() => parseArgs(['--target', 'contextforge', '--fault', 'csrf-open', '--target-version', '1.0.0rc1']), /only applies to the reference/);
  assert.throws(() => parseArgs(['--target', 'contextforge', '--base-url', 'not a url']), /absolute URL/);
  assert.throws(() => parseArgs(['--target', 'contextforge', '--base-url', 'http://gateway.localhost:4444']), /needs --login and --password/);
  assert.throws(() => parseArgs(['--fault']), /--fault needs a value/);
});

test('contextforge by version, and attached to a running gateway', () => {
  assert.deepEqual(parseArgs(['--target', 'contextforge', '--target-version', '1.0.0rc1']).plan[0]?.settings, { version: '1.0.0rc1' });
  const attached = parseArgs(['--target=contextforge', '--base-url', 'http://gateway.localhost:4444', '--login', 'a@example.com', '--password', 'pw']);
  assert.deepEqual(attached.plan[0]?.settings, { baseUrl: 'http://gateway.localhost:4444', admin: { email: 'a@example.com', password: 'pw' } });
});

test('a design variant of the reference: its own run id and setting; unknown names and other targets refused', () => {
  const { plan } = parseArgs(['--variant', 'pending-ends-on-wrong-callback']);
  assert.equal(plan[0]?.id, 'reference@pending-ends-on-wrong-callback');
  assert.deepEqual(plan[0]?.settings, { variant: 'pending-ends-on-wrong-callback' });
  assert.throws(() => parseArgs(['--variant', 'lenient']), /--variant must be one of: pending-ends-on-wrong-callback/);
  assert.throws(() => parseArgs(['--target', 'inspector', '--variant', 'pending-ends-on-wrong-callback']), /--variant only applies to the reference/);
});
