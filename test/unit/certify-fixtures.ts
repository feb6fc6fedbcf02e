/**
 * Fixture reports for the certification, diff and report tests: built with the suite's own rules
 * (reporting/results.ts buildRunReport) from synthetic test records, so they have exactly the shape a
 * real run writes, without running Playwright.
 */
import JSZip from 'jszip';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import { buildRunReport, isPassingVerdict, RUN_VERDICTS, type RunContext, type TestRecord } from '../../reporting/results.js';
import { renderMarkdown } from '../../reporting/markdown.js';
import { NO_ARTIFACTS, renderHtml } from '../../reporting/html.js';
import { REPORT_PREFIX, type BundleFile } from '../../certify/manifest.js';
import { redactArtifactText, redactHtmlReport } from '../../reporting/redact-artifacts.js';

export const TARGET = { name: 'reference', version: '0.1.0', faultMode: null, siblingPolicy: 'reject' };

export type Outcome = 'passed' | 'failed' | 'timedOut' | 'skipped';

/** A report file object: every catalogue requirement tested once, each with the given outcome (default passed). */
export function fixtureReport(outcomes: Record<string, Outcome> = {}, context: RunContext = {}, runId = 'reference') {
  const records: TestRecord[] = REQUIREMENTS.filter((r) => !(context.partialReason && outcomes[r.id] === undefined && r.family !== 'ENV')).map((r) => {
    const status = outcomes[r.id] ?? 'passed';
    return {
      run: runId,
      project: runId,
      testId: `id-${r.id}`,
      requirement: r.id,
      title: `${r.id} fixture test`,
      attempt: 0,
      status,
      expectedStatus: 'passed',
      durationMs: 10,
      error: status === 'failed' ? 'Error: expect(received).toBe(expected)\nExpected: 200\nReceived: 401' : undefined,
      evidence: { status: status === 'failed' ? 401 : 200, tokenHash: 'sha256:0123456789abcdef' },
      expectation: undefined,
    };
  });
  const planned = records.map((r) => ({ run: r.run, testId: r.testId, requirement: r.requirement, title: r.title }));
  const run = buildRunReport(runId, TARGET, records, planned, context);
  const passed = isPassingVerdict(run.verdict);
  return {
    suite: { name: 'mcp-gateway-conformance', version: '0.1.0' },
    startedAt: '2026-12-02T03:00:00.000Z',
    durationMs: 1234,
    playwrightStatus: passed ? 'passed' : 'failed',
    verdict: run.verdict,
    passed,
    conformant: passed && run.scope === 'full',
    verdictPrecedence: RUN_VERDICTS,
    requirementStatuses: [],
    runs: [run],
  };
}

export type FixtureReport = ReturnType<typeof fixtureReport>;

/** An HTML report as Playwright writes it: app code around a base64 data zip. */
export async function htmlReport(dataJson: string): Promise<string> {
  const zip = new JSZip();
  zip.file('report.json', dataJson);
  const b64 = (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
  return `<!DOCTYPE html><html><script>/* app */</script><template id="playwrightReportBase64">data:application/zip;base64,${b64}</template></html>`;
}

/**
 * The report folder's files as the bundle takes them (report/…), after the suite's redaction pass, as a
 * real run leaves them. `plant` adds text after that pass: a secret the pass missed, for the scan to find.
 */
export async function reportFiles(report: FixtureReport, plant: { md?: string; htmlData?: string } = {}): Promise<BundleFile[]> {
  const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  const html = await redactHtmlReport(await htmlReport(JSON.stringify({ files: [{ title: 'SESSION-01 fixture test', steps: ['Fill "alice-password"'] }] })));
  return [
    { path: `${REPORT_PREFIX}conformance.json`, bytes: text(redactArtifactText(`${JSON.stringify(report, null, 2)}\n`)) },
    { path: `${REPORT_PREFIX}conformance.md`, bytes: text(redactArtifactText(renderMarkdown(report)) + (plant.md ?? '')) },
    { path: `${REPORT_PREFIX}conformance.html`, bytes: text(redactArtifactText(renderHtml(report, NO_ARTIFACTS))) },
    { path: `${REPORT_PREFIX}junit.xml`, bytes: text('<?xml version="1.0"?><testsuites tests="44" failures="0"></testsuites>\n') },
    {
      path: `${REPORT_PREFIX}html/index.html`,
      bytes: text(plant.htmlData === undefined ? html : await htmlReport(JSON.stringify({ note: plant.htmlData }))),
    },
  ];
}
