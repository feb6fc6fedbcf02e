/**
 * The traceability rules: every requirement has a spec, every requirement a gateway can break has a
 * fault mode that breaks it (a spec that cannot fail is a defect), and every ID used anywhere exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REQUIREMENTS, findRequirement } from '../../catalogue/requirements.js';
import { FAULT_MODES } from '../../targets/reference/faults.js';
import { HARNESS_FAULTS } from '../../config/run-plan.js';

function specFiles(dir = 'specs'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? specFiles(path.join(dir, e.name)) : e.name.endsWith('.spec.ts') ? [path.join(dir, e.name)] : [],
  );
}

const specText = specFiles().map((f) => readFileSync(f, 'utf8')).join('\n');

test('requirement IDs are unique and well formed', () => {
  const ids = REQUIREMENTS.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^(ENV|SESSION|XSITE|FLOW|TOKEN|UI|PROXY)-\d{2}$/);
});

test('every requirement is declared by a spec whose title starts with its ID', () => {
  for (const r of REQUIREMENTS) {
    assert.ok(specText.includes(`req('${r.id}')`), `${r.id} has no spec declaring req('${r.id}')`);
    assert.ok(new RegExp(`test\\(\\s*['"\`]${r.id} `).test(specText), `${r.id}: no test title starts with "${r.id} "`);
  }
});

test('every gateway requirement is broken by at least one fault mode of the reference gateway', () => {
  const covered = new Set(FAULT_MODES.flatMap((f) => f.detectedBy));
  for (const r of REQUIREMENTS.filter((x) => x.family !== 'ENV')) assert.ok(covered.has(r.id), `${r.id}: no fault mode proves it can fail`);
});

test('the ENV self-checks are each broken by a harness fault', () => {
  assert.deepEqual([...HARNESS_FAULTS].sort(), ['attacker-same-site', 'blocked-page-script', 'lenient-idp', 'preflight-intercepted', 'third-party-cookies-unset']);
});

test('fault modes are unique and name only catalogued requirements', () => {
  const modes = FAULT_MODES.map((f) => f.mode);
  assert.equal(new Set(modes).size, modes.length);
  for (const f of FAULT_MODES) {
    assert.ok(f.detectedBy.length > 0, `${f.mode} names no requirement`);
    for (const id of f.detectedBy) assert.ok(findRequirement(id), `${f.mode} names unknown requirement ${id}`);
  }
});
