import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivedWithin } from '../../lib/bounded-wait.js';

test('arrivedWithin: true when the event comes first, false when the bound passes first', async () => {
  assert.equal(await arrivedWithin(Promise.resolve(), 1_000), true);
  assert.equal(await arrivedWithin(new Promise(() => undefined), 5), false);
});

