/** Pass-through Playwright options: those that would make a run check less than it claims are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vetPlaywrightArgs } from '../../cli/playwright-options.js';

test('options that drop the ENV checks, pick tests from elsewhere or hide an empty run are refused in one line', () => {
  for (const argv of [
    ['--grep', 'SESSION-01', '--no-deps'],
    ['--project', 'reference'],
    ['--project=reference:env'],
    ['--last-failed'],
    ['--only-changed'],
    ['--only-changed', 'main'],
    ['--test-list', 'x.txt'],
    ['--list'],
    ['--pass-with-no-tests'],
    ['--reporter', 'dot'],
    ['--add-reporter', 'blob'],
    ['--output', '/tmp/x'],
    ['-c', 'other.config.ts'],
    ['--ui'],
    ['--no-such-option'],
  ]) {
    assert.throws(() => vetPlaywrightArgs(argv), (e: Error) => !e.message.includes('\n') && /refused|unknown option/.test(e.message), argv.join(' '));
  }
});

test('filters make the run partial and say which; safe options do not', () => {
  assert.equal(vetPlaywrightArgs(['--workers', '1', '--repeat-each', '3', '--retries=2', '--headed', '-x']).partialReason, undefined);
  assert.equal(vetPlaywrightArgs(['--grep', 'SESSION-01']).partialReason, '--grep SESSION-01');
  assert.equal(vetPlaywrightArgs(['--grep-invert=ENV']).partialReason, '--grep-invert ENV');
  // The reporter marks a shard partial (config.shard); the merge of every shard is whole (cli/commands/merge.ts).
  assert.equal(vetPlaywrightArgs(['--shard', '2/3']).partialReason, undefined);
  const files = vetPlaywrightArgs(['specs/session', '--debug', '--workers', '1']);
  assert.equal(files.partialReason, 'file filter specs/session');
  assert.deepEqual(files.positionals, ['specs/session']);
  assert.deepEqual(files.args, ['specs/session', '--debug', '--workers', '1']);
});
