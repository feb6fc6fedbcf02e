/**
 * The CLI's read-only commands on fixtures: `diff` classifies status changes between two reports, `list`
 * shows every catalogue ID with its fault modes and specs, `report` re-renders conformance.md and
 * conformance.html from a validated conformance.json, and a file that is not a conformance report is refused with one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import { catalogueEntries, formatEntries, readSpecSources } from '../../cli/catalogue-view.js';
import { diffReports, formatDiff } from '../../reporting/report-diff.js';
import { parseReportFile } from '../../reporting/report-file.js';
import { renderMarkdown } from '../../reporting/markdown.js';
import { fixtureReport } from './certify-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'mcp-gateway-conformance.mjs');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmpdir(), timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const asFile = (r: ReturnType<typeof fixtureReport>) => parseReportFile(JSON.stringify(r));

test('diff lists regressions, fixes and other changes between two reports', () => {
  const before = asFile(fixtureReport({ 'FLOW-06': 'failed' }));
  const after = asFile(fixtureReport({ 'SESSION-01': 'failed', 'XSITE-02': 'timedOut' }));
  const diff = diffReports(before, after);
  const kinds = Object.fromEntries(diff.runs[0]?.changes.map((c) => [c.id, `${c.kind} ${c.from}→${c.to}`]) ?? []);
  assert.deepEqual(kinds, {
    'SESSION-01': 'regressed passed→failed',
    'XSITE-02': 'changed passed→not-testable',
    'FLOW-06': 'fixed failed→passed',
  });
  const text = formatDiff(diff);
  assert.match(text, /regressed \(1\):\n {4}SESSION-01 \(MUST\): passed → failed/);
  assert.match(text, /fixed \(1\):\n {4}FLOW-06 \(MUST\): failed → passed/);
  assert.match(text, /changed otherwise \(1\):\n {4}XSITE-02 \(MUST\): passed → not-testable/);
  assert.match(formatDiff(diffReports(before, before)), /no requirement changed status/);
});

test('the diff command reads two files and exits 0; a file that is not a report exits 2 with one line', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-diff-'));
  try {
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(a, JSON.stringify(fixtureReport()));
    writeFileSync(b, JSON.stringify(fixtureReport({ 'SESSION-01': 'failed' })));
    writeFileSync(bad, JSON.stringify({ suite: { name: 'x' } }));
    const ok = cli(['diff', a, b]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /regressed \(1\):\n {4}SESSION-01/);
    const refused = cli(['diff', a, bad]);
    assert.equal(refused.status, 2);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /is not a conformance report/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('list shows every catalogue ID, with a spec for each and the fault modes that must trip it', () => {
  const entries = catalogueEntries(readSpecSources(ROOT));
  const text = formatEntries(entries);
  for (const r of REQUIREMENTS) assert.match(text, new RegExp(`^${r.id}  ${r.level}`, 'm'), r.id);
  for (const e of entries) assert.ok(e.specs.length > 0, `${e.id} has no spec tagged req('${e.id}')`);
  const session01 = entries.find((e) => e.id === 'SESSION-01');
  assert.deepEqual(session01?.specs, ['specs/session/fetch-tools.spec.ts']);
  assert.ok(session01?.faultModes.includes('cookie-api-heuristic'));
  assert.ok(entries.find((e) => e.id === 'XSITE-02')?.faultModes.includes('csrf-open'));
});

test('the list command prints every catalogue ID (text and --json), from any working directory', () => {
  const text = cli(['list']);
  assert.equal(text.status, 0, text.stderr);
  for (const r of REQUIREMENTS) assert.ok(text.stdout.includes(`${r.id}  ${r.level}`), r.id);
  const json = cli(['list', '--json', '--family', 'SESSION']);
  const ids = (JSON.parse(json.stdout) as { id: string }[]).map((e) => e.id);
  assert.deepEqual(ids, REQUIREMENTS.filter((r) => r.family === 'SESSION').map((r) => r.id));
  assert.equal(cli(['list', '--requirement', 'NOPE-01']).status, 2);
});

test('report re-renders conformance.md and conformance.html from conformance.json', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-report-'));
  try {
    const report = fixtureReport({ 'SESSION-01': 'failed' });
    writeFileSync(path.join(dir, 'conformance.json'), JSON.stringify(report));
    const run = cli(['report', dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(readFileSync(path.join(dir, 'conformance.md'), 'utf8'), renderMarkdown(report));
    assert.match(readFileSync(path.join(dir, 'conformance.html'), 'utf8'), /<details class="req" id="reference-SESSION-01" open>/);
    assert.equal(cli(['report', path.join(dir, 'missing')]).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
