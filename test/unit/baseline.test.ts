import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { committedBaselines, expectedFailure, loadBaseline, matchesExpectation } from '../../config/baseline.js';
import { readSpecSources } from '../../cli/catalogue-view.js';
import { temporaryFolder } from './temporary-folder.js';

/** Every spec test title, by the requirement ID it starts with. */
const titlesByRequirement = (() => {
  const titles = new Map<string, string[]>();
  for (const { text } of readSpecSources(process.cwd())) {
    // A title in any of the three quotes (a title with an apostrophe is written in double quotes).
    for (const [, single, double, backtick] of text.matchAll(/\btest\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`([^`]*)`)/g)) {
      const title = single ?? double ?? backtick ?? '';
      const id = /^([A-Z]+-\d+) /.exec(title)?.[1];
      if (id !== undefined) titles.set(id, [...(titles.get(id) ?? []), title.replace(/\\(.)/g, '$1')]);
    }
  }
  return titles;
})();

test('every committed baseline is valid, names catalogued requirements once each (or once per test pattern), and each test pattern matches a test of its requirement', () => {
  const committed = committedBaselines();
  assert.ok(committed.some((b) => b.target === 'contextforge'), 'the ContextForge baselines are found in targets/contextforge/baselines/');
  for (const { target, version } of committed) {
    const baseline = loadBaseline(target, version);
    const whole = baseline.expectedFailures.filter((e) => e.test === undefined).map((e) => e.requirement);
    assert.equal(new Set(whole).size, whole.length, `${target} ${version} lists a requirement twice`);
    for (const entry of baseline.expectedFailures) {
      if (entry.test === undefined) continue;
      const pattern = new RegExp(entry.test, 'i');
      assert.ok(!whole.includes(entry.requirement), `${target} ${version} ${entry.requirement}: an entry for every test and one for some`);
      const titles = titlesByRequirement.get(entry.requirement) ?? [];
      assert.ok(titles.some((t) => pattern.test(t)), `${target} ${version} ${entry.requirement}: test /${entry.test}/ matches none of its tests (${titles.join(' | ')})`);
    }
  }
});

test('an entry with a test pattern covers only the tests it matches', () => {
  const entry = { requirement: 'FLOW-18', observed: 'x', reason: 'y', signature: 'refresh requests for a token', test: 'short but valid lifetime' };
  const baseline = { target: 'gw', version: '1', expectedFailures: [entry] };
  assert.equal(expectedFailure(baseline, 'FLOW-18', 'FLOW-18 an access token with a short but valid lifetime (120 s) is used'), entry);
  assert.equal(expectedFailure(baseline, 'FLOW-18', 'FLOW-18 an access token issued without expires_in is used'), undefined);
  assert.equal(expectedFailure({ ...baseline, expectedFailures: [{ ...entry, test: undefined }] }, 'FLOW-18', 'FLOW-18 anything')?.requirement, 'FLOW-18');
});

test('no baseline file means every requirement is expected to pass', () => {
  const baseline = loadBaseline('reference', '0.0.0-none');
  assert.equal(expectedFailure(baseline, 'SESSION-01', 'SESSION-01 any test'), undefined);
});

test('a baseline naming an unknown requirement, or another version, is refused with the file name', (t) => {
  const root = temporaryFolder(t, 'baseline-');
  mkdirSync(path.join(root, 'gw', 'baselines'), { recursive: true });
  const entry = { observed: 'x', reason: 'y', signature: 'some server message' };
  writeFileSync(path.join(root, 'gw', 'baselines', '1.json'), JSON.stringify({ target: 'gw', version: '1', expectedFailures: [{ requirement: 'NOPE-01', ...entry }] }));
  assert.throws(() => loadBaseline('gw', '1', root), /1\.json: .*not a requirement ID/);
  writeFileSync(path.join(root, 'gw', 'baselines', '2.json'), JSON.stringify({ target: 'gw', version: '1', expectedFailures: [] }));
  assert.throws(() => loadBaseline('gw', '2', root), /declares gw 1, expected gw 2/);
});

test('a baseline entry for an ENV requirement, without a signature, or with a signature that matches anything is refused in one line', (t) => {
  const root = temporaryFolder(t, 'baseline-');
  mkdirSync(path.join(root, 'gw', 'baselines'), { recursive: true });
  const write = (version: string, entry: Record<string, unknown>): void =>
    writeFileSync(path.join(root, 'gw', 'baselines', `${version}.json`), JSON.stringify({ target: 'gw', version, expectedFailures: [entry] }));
  const base = { observed: 'x', reason: 'y', signature: 'Cookie authentication not allowed' };
  write('env', { requirement: 'ENV-01', ...base });
  assert.throws(() => loadBaseline('gw', 'env', root), (e: Error) => /ENV requirements check the test environment/.test(e.message) && !e.message.includes('\n'));
  write('nosig', { requirement: 'SESSION-01', observed: 'x', reason: 'y' });
  assert.throws(() => loadBaseline('gw', 'nosig', root), /signature/);
  write('any', { requirement: 'SESSION-01', ...base, signature: '.*|anything' });
  assert.throws(() => loadBaseline('gw', 'any', root), /matches any error/);
  write('bad', { requirement: 'SESSION-01', ...base, signature: '(unclosed group' });
  assert.throws(() => loadBaseline('gw', 'bad', root), /not a valid JavaScript regular expression/);
  write('timeout', { requirement: 'SESSION-01', ...base, timeout: false });
  assert.throws(() => loadBaseline('gw', 'timeout', root), /timeout/);
});

test('matchesExpectation: signature case-insensitively, timeouts only with timeout: true', () => {
  const entry = { signature: 'cookie authentication NOT allowed' };
  assert.equal(matchesExpectation(entry, { status: 'failed', error: 'answered 401: Cookie authentication not allowed for API requests' }), true);
  assert.equal(matchesExpectation(entry, { status: 'failed', error: 'locator.click: Timeout 5000ms exceeded' }), false);
  assert.equal(matchesExpectation(entry, { status: 'timedOut', error: 'Cookie authentication not allowed' }), false);
  assert.equal(matchesExpectation({ ...entry, timeout: true }, { status: 'timedOut', error: 'Cookie authentication not allowed' }), true);
  assert.equal(matchesExpectation(entry, { status: 'passed', error: undefined }), false);
});

test('no committed signature matches a selector, login or timeout failure', () => {
  const unrelated = [
    "locator.click: Timeout 15000ms exceeded. waiting for getByRole('button', { name: 'Fetch Tools' })",
    'page.goto: net::ERR_CONNECTION_REFUSED at http://gateway.localhost:4444/admin/login',
    'Test timeout of 90000ms exceeded.',
    'Not testable: the adapter could not find the gateway row',
  ];
  for (const { target, version } of committedBaselines()) {
    for (const entry of loadBaseline(target, version).expectedFailures) {
      for (const text of unrelated) {
        assert.equal(matchesExpectation(entry, { status: 'failed', error: text }), false, `${target} ${version} ${entry.requirement} matches "${text}"`);
      }
    }
  }
});
