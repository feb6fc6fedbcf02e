/**
 * `npm run mutants` never runs fewer mutants than asked for in silence: an `--only` id that names no candidate, or an
 * unknown option, is refused with exit 2 and one line before any suite runs. Seconds (an empty coverage file stands
 * in for the coverage run): `node --import tsx --test test/cli/mutants-options.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function mutants(args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync('npx', ['tsx', 'cli/mutants.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr };
}

test('an --only id that matches no candidate mutant, and an unknown option, exit 2 with one line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mutants-options-'));
  try {
    const lcov = path.join(dir, 'lcov.info');
    writeFileSync(lcov, ''); // no line reached: no candidate at all
    const unmatched = mutants(['--lcov', lcov, '--only', 'targets/reference/server/csrf.ts:1:flip-boolean#0']);
    assert.equal(unmatched.status, 2, unmatched.stderr);
    assert.equal(unmatched.stderr.trim().split('\n').length, 1, unmatched.stderr);
    assert.match(unmatched.stderr, /no candidate mutant has the id targets\/reference\/server\/csrf\.ts:1:flip-boolean#0/);

    const unknown = mutants(['--lcov', lcov, '--every', '3']);
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr);
    assert.match(unknown.stderr, /unknown option/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
