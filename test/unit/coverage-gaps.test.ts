import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFaultModule, parseLcov, unreachedCorrectCode } from '../../reporting/coverage-gaps.js';

const SOURCE = [
  'export function check(token: string | undefined, faults: Flags) {', // 1
  "  if (faults['token-unchecked']) {", // 2
  '    // BUG (token-unchecked): anything goes.', // 3
  '    return true;', // 4
  '  }', // 5
  '  if (token === undefined) {', // 6
  "    log('no token');", // 7
  '    return false;', // 8
  '  }', // 9
  '  return token.length > 0 ? verify(token) : false;', // 10
  '}', // 11
].join('\n');

const LCOV = ['SF:/repo/check.ts', 'DA:1,5', 'DA:2,5', 'DA:4,0', 'DA:5,0', 'DA:6,5', 'DA:7,0', 'DA:8,0', 'DA:9,0', 'DA:10,5', 'BRDA:10,0,0,5', 'BRDA:10,0,1,0', 'BRDA:2,1,0,0', 'end_of_record', ''].join('\n');

test('parseLcov reads hit counts and untaken branches per file', () => {
  const files = parseLcov(LCOV);
  const coverage = files.get('/repo/check.ts');
  assert.ok(coverage);
  assert.equal(coverage.lines.get(7), 0);
  assert.equal(coverage.lines.get(10), 5);
  assert.deepEqual([...coverage.untakenBranchLines].sort(), [10, 2]);
});

test('unreached correct code: the fault branch is left out, the unreached check and the untaken branch are listed', () => {
  const coverage = parseLcov(LCOV).get('/repo/check.ts');
  assert.ok(coverage);
  const runs = unreachedCorrectCode(SOURCE, coverage);
  assert.deepEqual(
    runs.map((r) => ({ kind: r.kind, line: r.line })),
    [
      { kind: 'lines', line: 7 },
      { kind: 'branch', line: 10 },
    ],
  );
  assert.deepEqual(runs[0]?.source, ["    log('no token');", '    return false;', '  }']);
});

test('a stretch of only braces and comments is no unreached behaviour', () => {
  const coverage = parseLcov(['SF:/x.ts', 'DA:1,1', 'DA:2,0', 'DA:3,0', 'end_of_record'].join('\n')).get('/x.ts');
  assert.ok(coverage);
  assert.deepEqual(unreachedCorrectCode('f();\n  }\n  // done', coverage), []);
});

test('a module named for a fault is all fault code; one that merely mentions faults is not', () => {
  assert.equal(isFaultModule('targets/reference/server/framing-fault.ts'), true);
  assert.equal(isFaultModule('targets/reference/server/fetch-tools.ts'), false);
});
