/** `run`'s own options are split from the ones cli/conformance.ts and Playwright take, and validated. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRunArgs } from '../../cli/commands/run.js';

test('--requirement (repeatable), --certify, --signing-key and --bundle are ours; the rest passes on unchanged', () => {
  const { options, rest } = splitRunArgs(['--fault', 'csrf-open', '--requirement', 'SESSION-01', '--requirement=XSITE-02', '--certify', '--signing-key', 'k.pem', '--bundle=out.zip', '--workers', '1']);
  assert.deepEqual(options, { requirement: ['SESSION-01', 'XSITE-02'], certify: true, signingKey: 'k.pem', bundle: 'out.zip' });
  assert.deepEqual(rest, ['--fault', 'csrf-open', '--workers', '1']);
});

test('bad combinations are one line each', () => {
  assert.throws(() => splitRunArgs(['--requirement', 'NOPE-99']), /unknown requirement ID/);
  assert.throws(() => splitRunArgs(['--certify']), /--certify needs --signing-key/);
  assert.throws(() => splitRunArgs(['--signing-key', 'k.pem']), /only apply with --certify/);
  assert.throws(() => splitRunArgs(['--requirement']), /--requirement needs a value/);
});
