import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMutant, faultCodeLines, mutantsOf, sample } from '../../lib/mutation.js';

const SOURCE = [
  'export function check(token: string | undefined, faults: Flags) {', // 1
  "  if (faults['token-unchecked']) {", // 2
  '    return true;', // 3
  '  }', // 4
  "  if (!faults['state-optional'] && token === undefined) {", // 5
  '    refuse();', // 6
  '    return false;', // 7
  '  }', // 8
  '  // the check itself', // 9
  "  return token.startsWith('t') && token.length > 3;", // 10
  '}', // 11
  "/** Only under a fault (fault origin-from-forwarded-headers). */", // 12
  'function helper(x: string) {', // 13
  '  return x === "y";', // 14
  '}', // 15
  'function guarded(ctx: Ctx) {', // 16
  "  if (!ctx.faults['x']) return 1;", // 17
  '  return 2;', // 18
  '}', // 19
].join('\n');

test('fault code: the block a fault opens, a helper documented as fault-only, what follows a fault guard; not a block opened by !faults[...]', () => {
  assert.deepEqual([...faultCodeLines(SOURCE)].sort((a, b) => a - b), [3, 14, 18]);
});

test('mutants: no mutant of fault code, comments or lines naming a fault; each operator on the correct lines', () => {
  const mutants = mutantsOf('check.ts', SOURCE);
  const lines = new Set(mutants.map((m) => m.line));
  for (const n of [2, 3, 5, 9, 12, 14, 17, 18]) assert.ok(!lines.has(n), `line ${n} must not be mutated`);
  const at10 = mutants.filter((m) => m.line === 10).map((m) => m.mutated.trim());
  assert.ok(at10.includes("return token.startsWith('t') || token.length > 3;"));
  assert.ok(at10.includes("return token.includes('t') && token.length > 3;"));
  assert.ok(at10.includes("return token.startsWith('t') && token.length >= 3;"));
  assert.ok(mutants.some((m) => m.line === 6 && m.operator === 'drop-statement'));
  assert.equal(new Set(mutants.map((m) => m.id)).size, mutants.length, 'ids are unique');
});

test('applyMutant replaces exactly its line and refuses a stale one', () => {
  const [first] = mutantsOf('check.ts', SOURCE).filter((m) => m.line === 10);
  assert.ok(first);
  const mutated = applyMutant(SOURCE, first).split('\n');
  assert.equal(mutated[9], first.mutated);
  assert.equal(mutated.filter((l, i) => l !== SOURCE.split('\n')[i]).length, 1);
  assert.throws(() => applyMutant(SOURCE.replace("'t'", "'u'"), first), /no longer reads/);
});

test('sample: the same seed gives the same sample, another seed another, never more than there is', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  assert.deepEqual(sample(items, 10, 3), sample(items, 10, 3));
  assert.notDeepEqual(sample(items, 10, 3), sample(items, 10, 4));
  assert.equal(new Set(sample(items, 10, 3)).size, 10);
  assert.equal(sample(items, 99, 1).length, 50);
});
