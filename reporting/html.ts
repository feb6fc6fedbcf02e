/**
 * The conformance report as one self-contained HTML page for people: per run its verdict, then per
 * requirement its status, statement, sources, diagnosis, the deciding error, a screenshot of the page
 * (embedded, so the file can be mailed or archived alone), a link to the trace, the flow the mocks
 * recorded as a picture, and the evidence. No script: <details> does the folding, so the page works
 * from a file:// URL and under any CSP. Everything shown is escaped; it can echo what a gateway sent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../lib/html.js';
import { FLOW_EVIDENCE } from '../fixtures/flow-timeline.js';
import { FlowTimelineSchema, renderFlowPicture } from './flow-picture.js';
import { describeTarget, STATUS_LABEL, VERDICT_NOTE } from './markdown.js';
import type { RequirementResult, RunReport, RunVerdict, TestArtifacts } from './results.js';

interface ReportLike {
  suite: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  verdict: RunVerdict;
  runs: readonly RunReport[];
}

export interface HtmlArtifacts {
  /** The bytes of a file in the report folder (a screenshot), or undefined when it is not there. */
  read(relativePath: string): Buffer | undefined;
  /** Whether a file is in the report folder (a trace is linked, never read). */
  has(relativePath: string): boolean;
}

/** A report folder with no artifacts (a report rendered without its folder). */
export const NO_ARTIFACTS: HtmlArtifacts = { read: () => undefined, has: () => false };

/** Evidence longer than this is cut in the page (conformance.json keeps all of it). */
const EVIDENCE_CHARS = 20_000;
/** A screenshot larger than this is linked, not embedded, so the page stays small enough to open. */
const EMBED_BYTES = 1_500_000;

type Tone = 'good' | 'bad' | 'warn' | 'unknown' | 'neutral';

const STATUS_TONE: Record<RequirementResult['status'], Tone> = {
  passed: 'good',
  failed: 'bad',
  'failed-differently': 'bad',
  'expected-failure': 'warn',
  'stale-expectation': 'bad',
  'not-testable': 'unknown',
  'not-run': 'unknown',
  'not-applicable': 'neutral',
  'not-tested': 'neutral',
};

const VERDICT_TONE: Record<RunVerdict, Tone> = {
  'invalid-environment': 'unknown',
  fail: 'bad',
  inconclusive: 'unknown',
  'pass-with-warnings': 'warn',
  pass: 'good',
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#1d2430}
h1{font-size:22px}h2{font-size:19px;margin-top:28px}h3{font-size:16px;margin:22px 0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;white-space:nowrap}
.good{background:#d8f3dc;color:#1b5e20}.bad{background:#ffd6d6;color:#8b0000}.warn{background:#fff1c2;color:#6d4c00}
.unknown{background:#e5dcf7;color:#4a2a86}.neutral{background:#eceff1;color:#37474f}
.verdict{font-size:18px;padding:4px 14px}
details.req{border:1px solid #dde2e8;border-radius:6px;margin:6px 0;padding:4px 10px}
details.req>summary{cursor:pointer;list-style-position:outside}
details.req>summary .id{font-family:ui-monospace,monospace;font-weight:600;margin:0 6px}
.level{font-size:12px;color:#555;margin-right:6px}
pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:360px;white-space:pre-wrap;word-break:break-word}
.diagnosis{border-left:4px solid #c62828;background:#fff5f5;padding:6px 10px;margin:8px 0}
.test{border-top:1px dashed #dde2e8;margin-top:8px;padding-top:6px}
img.shot{max-width:min(100%,760px);border:1px solid #ccc;margin:6px 0}
svg.flow{background:#fbfcfd;border:1px solid #e3e7ec;margin:6px 0;max-width:100%;height:auto}
svg.flow text{font:11px ui-monospace,monospace;fill:#1d2430}svg.flow text.lane{font-weight:600}
svg.flow .lifeline{stroke:#b0bec5;stroke-dasharray:4 3}svg.flow line.call{stroke:#37474f}
svg.flow line.trouble{stroke:#c62828}svg.flow text.trouble{fill:#c62828}
ul.problems li{color:#8b0000}
.muted{color:#666}
`;

function badge(text: string, tone: Tone, extra = ''): string {
  return `<span class="badge ${tone}${extra}">${escapeHtml(text)}</span>`;
}

/** Markdown emphasis and code marks in shared labels read as noise in HTML. */
function plain(markdownish: string): string {
  return markdownish.replace(/\*\*|`/g, '');
}

function screenshots(artifacts: TestArtifacts | undefined, files: HtmlArtifacts): string {
  if (!artifacts || artifacts.screenshots.length === 0) return '';
  const shown = artifacts.screenshots.map((file) => {
    const bytes = files.read(file);
    if (!bytes) return `<p class="muted">screenshot ${escapeHtml(file)} is not in this report folder</p>`;
    if (bytes.length > EMBED_BYTES) return `<p><a href="${escapeHtml(file)}">screenshot (${bytes.length} bytes)</a></p>`;
    return `<img class="shot" alt="a page of the test when it ended" src="data:image/png;base64,${bytes.toString('base64')}">`;
  });
  // Playwright shoots every open page; the first is the actor's own page, the others (a second user, the
  // attacker's site) fold away so a failure reads at a glance.
  const [first, ...others] = shown;
  const more = others.length > 0 ? `<details><summary>The other open pages (${others.length})</summary>${others.join('')}</details>` : '';
  return `${first ?? ''}${more}`;
}

function traceLink(artifacts: TestArtifacts | undefined, files: HtmlArtifacts): string {
  const trace = artifacts?.trace;
  if (trace === undefined || !files.has(trace)) return '';
  return `<p>Trace: <a href="${escapeHtml(trace)}">${escapeHtml(trace)}</a> — open with <code>npx playwright show-trace ${escapeHtml(trace)}</code> from the report folder.</p>`;
}

/** The mocks' timeline as a picture, and the rest of the evidence as JSON. */
function evidenceBlocks(evidence: unknown, key: string): string {
  if (evidence === undefined) return '';
  let rest = evidence;
  let picture = '';
  if (evidence !== null && typeof evidence === 'object' && !Array.isArray(evidence)) {
    const { [FLOW_EVIDENCE]: timeline, ...others } = evidence as Record<string, unknown>;
    const parsed = FlowTimelineSchema.safeParse(timeline);
    if (parsed.success && parsed.data.steps.length > 0) {
      picture = `<details open><summary>What the mocks saw (${parsed.data.steps.length} requests, red: refused or failed)</summary>${renderFlowPicture(parsed.data, key)}</details>`;
    }
    rest = others;
  }
  const json = JSON.stringify(rest, null, 2) ?? '';
  const cut = json.length > EVIDENCE_CHARS ? `${json.slice(0, EVIDENCE_CHARS)}\n… (${json.length - EVIDENCE_CHARS} more characters in conformance.json)` : json;
  const shown = json === '{}' ? '' : `<details><summary>Evidence</summary><pre>${escapeHtml(cut)}</pre></details>`;
  return picture + shown;
}

function testBlock(test: RequirementResult['tests'][number], files: HtmlArtifacts, key: string): string {
  const attempts = test.attempts.length > 1 ? ` <span class="muted">attempts: ${escapeHtml(test.attempts.map((a) => a.status).join(' → '))}</span>` : '';
  return [
    '<div class="test">',
    `<p>${badge(STATUS_LABEL[test.outcome], STATUS_TONE[test.outcome])} ${escapeHtml(test.title)} <span class="muted">(${(test.durationMs / 1000).toFixed(1)} s)</span>${attempts}</p>`,
    test.notApplicable ? `<p>Not applicable: ${escapeHtml(test.notApplicable)}</p>` : '',
    test.error ? `<pre>${escapeHtml(test.error)}</pre>` : '',
    screenshots(test.artifacts, files),
    traceLink(test.artifacts, files),
    evidenceBlocks(test.evidence, key),
    '</div>',
  ].join('');
}

function requirementBlock(runId: string, r: RequirementResult, files: HtmlArtifacts): string {
  const tone = STATUS_TONE[r.status];
  // What needs a reader's eyes starts unfolded.
  const open = tone === 'good' || tone === 'neutral' ? '' : ' open';
  return [
    `<details class="req" id="${escapeHtml(`${runId}-${r.id}`)}"${open}>`,
    `<summary>${badge(STATUS_LABEL[r.status], tone)}<span class="id">${escapeHtml(r.id)}</span><span class="level">${escapeHtml(r.level)}</span>${escapeHtml(r.statement)}</summary>`,
    r.sources.length > 0 ? `<p class="muted">Sources: ${r.sources.map(escapeHtml).join('; ')}</p>` : '',
    r.diagnosis
      ? `<div class="diagnosis"><strong>Likely: ${escapeHtml(r.diagnosis.title)}</strong><br>because ${escapeHtml(r.diagnosis.because)}<br>look at ${escapeHtml(r.diagnosis.lookAt)}</div>`
      : '',
    r.expectedFailureNote ? `<p>Baseline: ${escapeHtml(r.expectedFailureNote)}</p>` : '',
    ...r.tests.map((t, i) => testBlock(t, files, `${runId}-${r.id}-${i}`)),
    '</details>',
  ].join('');
}

function runSection(run: RunReport, files: HtmlArtifacts): string {
  const s = run.summary;
  const counts = [
    `${s.passed} passed`,
    `${s.failed} MUST failed`,
    `${s.warnings} SHOULD failed`,
    `${s.failedDifferently} failed differently`,
    `${s.expectedFailures} expected failures`,
    `${s.staleExpectations} stale expectations`,
    `${s.notTestable} not testable`,
    `${s.notRun} not run`,
    `${s.notApplicable} not applicable`,
    `${s.notTested} not tested`,
  ].join(' · ');
  const needsLook = run.families.flatMap((f) => f.requirements).filter((r) => STATUS_TONE[r.status] !== 'good' && r.status !== 'not-tested');
  const out = [
    `<section><h2 id="${escapeHtml(run.id)}">${escapeHtml(run.id)} ${badge(run.verdict.toUpperCase(), VERDICT_TONE[run.verdict], ' verdict')}</h2>`,
    `<p>Target: ${escapeHtml(plain(describeTarget(run.target)))}.</p>`,
    run.envFrom ? `<p>ENV self-checks: those of run ${escapeHtml(run.envFrom)} in the same invocation (self-test).</p>` : '',
    run.scope === 'partial' ? `<p><strong>Partial run</strong> (${escapeHtml(run.partialReason ?? 'limited')}): no conformance claim for what it left out.</p>` : '',
    `<p>${escapeHtml(counts)}</p>`,
    `<p>${escapeHtml(plain(VERDICT_NOTE[run.verdict]))}</p>`,
    run.problems.length > 0 ? `<ul class="problems">${run.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>` : '',
    needsLook.length > 0
      ? `<p>To look at: ${needsLook.map((r) => `<a href="#${escapeHtml(`${run.id}-${r.id}`)}">${escapeHtml(r.id)}</a> ${badge(STATUS_LABEL[r.status], STATUS_TONE[r.status])}`).join(' ')}</p>`
      : '',
  ];
  for (const family of run.families) {
    const shown = family.requirements.filter((r) => r.status !== 'not-tested');
    if (shown.length === 0) continue;
    out.push(`<h3>${escapeHtml(family.family)} — ${escapeHtml(family.title)}</h3>`);
    out.push(...shown.map((r) => requirementBlock(run.id, r, files)));
  }
  out.push('</section>');
  return out.join('\n');
}

export function renderHtml(report: ReportLike, files: HtmlArtifacts): string {
  const title = `${report.suite.name} ${report.suite.version} — conformance report`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing to load from anywhere: the page is data, and images are inline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${badge(report.verdict.toUpperCase(), VERDICT_TONE[report.verdict], ' verdict')} Started ${escapeHtml(report.startedAt)}, took ${(report.durationMs / 1000).toFixed(1)} s. Machine-readable: <a href="conformance.json">conformance.json</a>, <a href="junit.xml">junit.xml</a>; Playwright's report: <a href="html/index.html">html/index.html</a>.</p>`,
    ...report.runs.map((run) => runSection(run, files)),
    '</body></html>',
    '',
  ].join('\n');
}

/** Reads artifacts from a report folder; paths outside it (absolute, `..`) are never read. */
export function artifactsIn(dir: string): HtmlArtifacts {
  const root = path.resolve(dir);
  const inside = (relativePath: string): string | undefined => {
    const file = path.resolve(root, relativePath);
    return file.startsWith(root + path.sep) ? file : undefined;
  };
  return {
    read(relativePath) {
      const file = inside(relativePath);
      if (file === undefined) return undefined;
      try {
        return readFileSync(file);
      } catch {
        return undefined;
      }
    },
    has(relativePath) {
      const file = inside(relativePath);
      return file !== undefined && existsSync(file);
    },
  };
}
