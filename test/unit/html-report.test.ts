/**
 * The HTML conformance page: what a gateway sent is shown as text, never markup; failure artifacts
 * (screenshots, trace) come only from inside the report folder; the mocks' flow becomes a picture with the
 * refused request marked; and the flow timeline the fixtures record names parties and users correctly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import { FLOW_EVIDENCE, flowTimeline, MAX_FLOW_STEPS } from '../../fixtures/flow-timeline.js';
import type { IdpLogEntry } from '../../mock-idp/types.js';
import type { McpCallRecord } from '../../mock-mcp/types.js';
import { artifactsIn, NO_ARTIFACTS, renderHtml } from '../../reporting/html.js';
import { parseReportFile } from '../../reporting/report-file.js';
import { buildRunReport, type TestRecord } from '../../reporting/results.js';
import { temporaryFolder } from './temporary-folder.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

function idpEntry(seq: number, kind: IdpLogEntry['kind'], extra: Partial<IdpLogEntry> = {}): IdpLogEntry {
  return { seq, at: `2026-12-02T10:00:0${seq}.000Z`, kind, method: 'GET', path: '/x', params: {}, urlQueryNames: [], status: 200, outcome: 'ok', clientId: 'gw-1', ...extra };
}

function mcpCall(seq: number, at: string, extra: Partial<McpCallRecord> = {}): McpCallRecord {
  return { seq, at, httpMethod: 'POST', rpcMethod: 'tools/list', status: 200, authScheme: 'bearer', tokenHash: 'sha256:aaaa', accepted: true, hadCookie: false, urlValueHashes: [], carriedValueHashes: [], ...extra };
}

function record(requirement: string, status: TestRecord['status'], extra: Partial<TestRecord> = {}): TestRecord {
  return {
    run: 'reference',
    project: 'reference',
    testId: `id-${requirement}`,
    requirement,
    title: `${requirement} test`,
    attempt: 0,
    status,
    expectedStatus: 'passed',
    durationMs: 10,
    error: undefined,
    evidence: undefined,
    expectation: undefined,
    ...extra,
  };
}

function reportWith(records: TestRecord[]) {
  const run = buildRunReport('reference', { name: 'reference', version: '0.1.0', faultMode: null, siblingPolicy: 'reject' }, records, records.map((r) => ({ run: r.run, testId: r.testId, requirement: r.requirement, title: r.title })), {});
  return { suite: { name: 'mcp-gateway-conformance', version: '0.1.0' }, startedAt: '2026-12-02T10:00:00.000Z', durationMs: 1000, verdict: run.verdict, runs: [run] };
}

test('the flow timeline keeps one upstream client, names who sent each request and whose token the MCP call carried', () => {
  const log = [
    idpEntry(1, 'authorize'),
    idpEntry(2, 'sign-in', { user: 'alice' }),
    idpEntry(3, 'token:authorization_code', { method: 'POST', user: 'alice' }),
    idpEntry(4, 'authorize', { clientId: 'gw-other' }),
    idpEntry(5, 'token:refresh_token', { method: 'POST', status: 400, outcome: 'invalid_grant: reused' }),
  ];
  const calls = [mcpCall(1, '2026-12-02T10:00:03.500Z'), mcpCall(2, '2026-12-02T10:00:06.000Z', { accepted: false, status: 401, rejectedReason: 'revoked' })];
  const { steps, leftOut } = flowTimeline(log, calls, 'gw-1', (hash) => (hash === 'sha256:aaaa' ? 'alice' : undefined));
  assert.equal(leftOut, 0);
  assert.deepEqual(
    steps.map((s) => `${s.from}>${s.to} ${s.what} ${s.status} ${s.user ?? '-'}`),
    [
      'browser>idp GET authorize 200 -',
      'browser>idp GET sign-in 200 alice',
      'gateway>idp token (authorization_code) 200 alice',
      'gateway>mcp tools/list 200 alice',
      'gateway>idp token (refresh_token) 400 -',
      'gateway>mcp tools/list 401 alice',
    ],
  );
  assert.equal(steps.at(-1)?.outcome, 'rejected: revoked');
  const many = Array.from({ length: MAX_FLOW_STEPS + 5 }, (_, i) => idpEntry(i, 'authorize'));
  assert.equal(flowTimeline(many, [], 'gw-1', () => undefined).leftOut, 5);
});

test('gateway-controlled text is escaped: an error or evidence holding markup never becomes markup', () => {
  const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  const html = renderHtml(
    reportWith([record('SESSION-01', 'failed', { error: `Error: the page said ${hostile}`, evidence: { said: hostile } })]),
    NO_ARTIFACTS,
  );
  assert.ok(!html.includes('<script'), 'no script element');
  assert.ok(!html.includes('<img src=x'), 'no injected image');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('a failure shows its screenshot embedded, its trace linked and the mocks\' flow as a picture with the refused call marked', (t) => {
  const dir = temporaryFolder(t, 'html-report-');
  writeFileSync(path.join(dir, 'shot.png'), PNG);
  writeFileSync(path.join(dir, 'trace.zip'), 'zip');
  const timeline = flowTimeline([idpEntry(1, 'authorize')], [mcpCall(1, '2026-12-02T10:00:02.000Z', { accepted: false, status: 401, rejectedReason: 'wrong audience' })], 'gw-1', () => 'alice');
  const failing = record('SESSION-01', 'failed', {
    error: 'Error: 401',
    evidence: { [FLOW_EVIDENCE]: timeline, status: 401 },
    artifacts: { screenshots: ['shot.png', 'gone.png'], trace: 'trace.zip' },
  });
  const html = renderHtml(reportWith([failing, record('SESSION-02', 'passed')]), artifactsIn(dir));
  assert.ok(html.includes(`src="data:image/png;base64,${PNG.toString('base64')}"`), 'screenshot embedded');
  assert.match(html, /screenshot gone\.png is not in this report folder/);
  assert.match(html, /<a href="trace\.zip">trace\.zip<\/a>/);
  assert.match(html, /<svg class="flow"[^]*class="call trouble"[^]*tools\/list → 401 rejected: wrong audience \[alice\]/);
  assert.match(html, /<details class="req" id="reference-SESSION-01" open>/, 'a failure starts unfolded');
  assert.match(html, /<details class="req" id="reference-SESSION-02">/, 'a pass starts folded');
  assert.match(html, /To look at: <a href="#reference-SESSION-01">SESSION-01<\/a>/);
});

test('artifacts outside the report folder are never read, and a report naming one is refused', (t) => {
  const dir = temporaryFolder(t, 'html-report-');
  const files = artifactsIn(dir);
  assert.equal(files.read('../../etc/passwd'), undefined);
  assert.equal(files.read('/etc/passwd'), undefined);
  const report = reportWith(REQUIREMENTS.map((r) => record(r.id, 'passed')));
  const test0 = report.runs[0]?.families[0]?.requirements[0]?.tests[0];
  assert.ok(test0);
  for (const bad of ['../secret.png', '/etc/passwd', 'a/../../b.png']) {
    test0.artifacts = { screenshots: [bad] };
    assert.throws(() => parseReportFile(JSON.stringify({ ...report, passed: true, conformant: true })), /must be a path inside the report folder/);
  }
  test0.artifacts = { screenshots: ['test-results/x/test-failed-1.png'], trace: 'test-results/x/trace.zip' };
  assert.doesNotThrow(() => parseReportFile(JSON.stringify({ ...report, passed: true, conformant: true })));
});
