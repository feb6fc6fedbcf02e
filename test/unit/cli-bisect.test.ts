/** `bisect`'s refusals, each one line before anything is installed or run (the bisection itself: bisect.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bisectCommand } from '../../cli/commands/bisect.js';
import { UsageError } from '../../cli/commands/command.js';

const command = bisectCommand(process.cwd());

async function refused(argv: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(command.run(argv), (error: unknown) => error instanceof UsageError && pattern.test(error.message));
}

test('bisect refuses a target without releases, a missing or unknown requirement, and ENV checks', async () => {
  await refused(['--target', 'reference', '--good', '1', '--bad', '2', '--requirement', 'SESSION-01'], /--target reference: bisect runs gateways with releases/);
  await refused(['--target', 'contextforge', '--good', '1.0.0rc1', '--bad', '1.0.7'], /--requirement is required/);
  await refused(['--target', 'contextforge', '--good', '1.0.0rc1', '--bad', '1.0.7', '--requirement', 'SESSION-99'], /unknown requirement ID/);
  await refused(['--target', 'contextforge', '--good', '1.0.0rc1', '--bad', '1.0.7', '--requirement', 'ENV-01'], /ENV checks judge the test environment/);
  await refused(['--target', 'contextforge', '--bad', '1.0.7', '--requirement', 'SESSION-01'], /--good is required/);
  await refused(['--target', 'contextforge', '--good', 'not-a-version', '--bad', '1.0.7', '--requirement', 'SESSION-01'], /--good not-a-version is not a version/);
});
