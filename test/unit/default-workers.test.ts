import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultWorkersFor } from '../../targets/registry.js';
import type { RunSpec } from '../../config/run-plan.js';

const run = (target: RunSpec['target'], settings: Record<string, unknown> = {}): RunSpec => ({
  id: target,
  target,
  faultMode: null,
  harnessFault: null,
  deployment: 'direct',
  only: [],
  settings,
});

test('each worker starts its own instance: two of the reference or a managed ContextForge, one gateway someone else runs', () => {
  assert.equal(defaultWorkersFor([run('reference')]), 2);
  assert.equal(defaultWorkersFor([run('contextforge', { version: '1.1.0' })]), 2);
  assert.equal(defaultWorkersFor([run('contextforge', { baseUrl: 'http://gateway.localhost:4444' })]), 1);
  assert.equal(defaultWorkersFor([run('n8n')]), 1);
  assert.equal(defaultWorkersFor([run('inspector')]), 1);
  // A plan takes the fewest any of its runs allows.
  assert.equal(defaultWorkersFor([run('reference'), run('n8n')]), 1);
});
