/** The mock IdP's refresh barrier (TOKEN-09): opens for a second arrival at once, or for a lone one after the bound. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestBarrier } from '../../mock-idp/request-barrier.js';

test('off: nothing is held', async () => {
  assert.equal(await new RequestBarrier().arrive(null), null);
});

test('a second arrival opens it for both, in arrival order, before the bound', async () => {
  const barrier = new RequestBarrier();
  const knob = { parties: 2, maxHoldMs: 30_000 };
  const order: string[] = [];
  const first = barrier.arrive(knob).then((r) => order.push(`first ${r}`));
  const second = barrier.arrive(knob).then((r) => order.push(`second ${r}`));
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first parties-met', 'second parties-met']);
});

test('a lone arrival goes on after the bound; openAll releases at once', async () => {
  const barrier = new RequestBarrier();
  assert.equal(await barrier.arrive({ parties: 2, maxHoldMs: 5 }), 'bound');
  const held = barrier.arrive({ parties: 2, maxHoldMs: 30_000 });
  barrier.openAll();
  assert.equal(await held, 'bound');
});
