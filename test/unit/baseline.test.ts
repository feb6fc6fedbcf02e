import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASELINE_ROOT, expectedFailure, loadBaseline } from '../../config/baseline.js';

test('every committed baseline is valid and names catalogued requirements once each', () => {
  for (const target of readdirSync(BASELINE_ROOT)) {
    for (const file of readdirSync(path.join(BASELINE_ROOT, target))) {
      const baseline = loadBaseline(target, file.replace(/\.json$/, ''));
      const ids = baseline.expectedFailures.map((e) => e.requirement);
      assert.equal(new Set(ids).size, ids.length, `${target}/${file} lists a requirement twice`);
    }
  }
});

test('no baseline file means every requirement is expected to pass', () => {
  const baseline = loadBaseline('reference', '0.0.0-none');
  assert.equal(expectedFailure(baseline, 'SESSION-01'), undefined);
});

test('a baseline naming an unknown requirement, or another version, is refused with the file name', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'baseline-'));
  mkdirSync(path.join(root, 'gw'));
  const entry = { observed: 'x', reason: 'y' };
  writeFileSync(path.join(root, 'gw', '1.json'), JSON.stringify({ target: 'gw', version: '1', expectedFailures: [{ requirement: 'NOPE-01', ...entry }] }));
  assert.throws(() => loadBaseline('gw', '1', root), /1\.json: .*not a requirement ID/);
  writeFileSync(path.join(root, 'gw', '2.json'), JSON.stringify({ target: 'gw', version: '1', expectedFailures: [] }));
  assert.throws(() => loadBaseline('gw', '2', root), /declares gw 1, expected gw 2/);
});
