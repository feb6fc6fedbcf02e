/** The run plan's own rules: unique ids, and ENV checks borrowed only from a run that runs its own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunPlanSchema } from '../../config/run-plan.js';

const run = (id: string, envFrom?: string) => ({ id, target: 'reference', ...(envFrom !== undefined ? { envFrom } : {}) });

test('a run may borrow the ENV checks of another run that runs its own', () => {
  assert.equal(RunPlanSchema.safeParse([run('reference'), run('reference@csrf-open', 'reference')]).success, true);
});

test('borrowing ENV checks from nowhere, from itself or from a borrower is refused', () => {
  // Each of these would leave a run with no ENV checks at all, which must never pass as a valid environment.
  assert.equal(RunPlanSchema.safeParse([run('reference@csrf-open', 'reference')]).success, false);
  assert.equal(RunPlanSchema.safeParse([run('a', 'a')]).success, false);
  assert.equal(RunPlanSchema.safeParse([run('a'), run('b', 'a'), run('c', 'b')]).success, false);
});

test('run ids are unique', () => {
  assert.equal(RunPlanSchema.safeParse([run('a'), run('a')]).success, false);
});
