/**
 * Clickjacking: another site puts the gateway's pages in an invisible frame and lures the user into
 * clicking Authorize or Fetch Tools. The browser must refuse to render them there (frame-ancestors or
 * X-Frame-Options). Judged by what the browser did with the frame (its document and its own refusal,
 * net::ERR_BLOCKED_BY_RESPONSE), not by reading headers.
 */
import { test, expect, req, type Harness } from '../../fixtures/index.js';
import { authorizeAndCaptureCallback } from '../../fixtures/flows.js';
import { notTestable } from '../../lib/outcome.js';
import { escapeHtml } from '../../lib/html.js';
import type { BrowserContext, Frame, Page } from '@playwright/test';

type FrameVerdict = 'pending' | 'blocked' | 'rendered' | 'failed';

interface FrameReport {
  verdict: FrameVerdict;
  /** Where the frame ended up (path only for the gateway: a callback URL carries a code). */
  frameUrl: string;
  /** Navigations of this frame the gateway answered, and how the browser ended them. */
  navigations: { path: string; status: number | null; failure: string | null }[];
  /** The page's title inside the frame when it rendered. */
  renderedTitle?: string;
}

const TWIN_MARKER = 'frameable twin page';

function pathOf(url: string, gatewayOrigin: string): string {
  return url.startsWith(gatewayOrigin) ? new URL(url).pathname : url.replace(/\?.*$/, '');
}

/** A page on `origin` that frames each URL in `frames` (by name). */
function framingPage(frames: Record<string, string>): string {
  const iframes = Object.entries(frames)
    .map(([name, src]) => `<iframe name="${escapeHtml(name)}" src="${escapeHtml(src)}" width="400" height="300"></iframe>`)
    .join('\n');
  return `<!doctype html><html><head><title>framing attacker</title></head><body>${iframes}</body></html>`;
}

async function classify(frame: Frame | null, expectedOrigin: string): Promise<FrameVerdict> {
  if (frame === null) return 'pending';
  const url = frame.url();
  if (url.startsWith('chrome-error://')) return 'blocked';
  if (!url.startsWith(expectedOrigin)) return 'pending';
  const ready = await frame.evaluate(() => document.readyState).catch(() => 'loading');
  return ready === 'loading' ? 'pending' : 'rendered';
}

/** Opens a framing page on `framer` and reports, per frame, whether the browser rendered or refused it. */
async function frameFrom(
  harness: Harness,
  context: BrowserContext,
  framer: string,
  frames: Record<string, string>,
): Promise<{ reports: Record<string, FrameReport>; refusals: string[] }> {
  const gatewayOrigin = harness.target.origin;
  const twinOrigin = `http://127.0.0.1:${harness.attackerSite.port}`;
  const twinUrl = `${twinOrigin}${harness.attackerSite.publish(`<!doctype html><title>${TWIN_MARKER}</title><p>${TWIN_MARKER}</p>`)}`;
  const all = { ...frames, twin: twinUrl };
  const page: Page = await context.newPage();
  const navigations = new Map<Frame, FrameReport['navigations']>();
  const note = (frame: Frame, entry: FrameReport['navigations'][number]): void => {
    navigations.set(frame, [...(navigations.get(frame) ?? []), entry]);
  };
  const refusals: string[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() !== page.mainFrame()) {
      note(request.frame(), { path: pathOf(response.url(), gatewayOrigin), status: response.status(), failure: null });
    }
  });
  page.on('requestfailed', (request) => {
    if (request.isNavigationRequest() && request.frame() !== page.mainFrame()) {
      note(request.frame(), { path: pathOf(request.url(), gatewayOrigin), status: null, failure: request.failure()?.errorText ?? 'failed' });
    }
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Refused to (display|frame)|Framing .* violates|frame-ancestors|X-Frame-Options/.test(text)) refusals.push(text.replace(/'http[^']*'/g, "'…'"));
  });
  try {
    await page.goto(`${framer}${harness.attackerSite.publish(framingPage(all))}`);
    const verdicts: Record<string, FrameVerdict> = {};
    await expect
      .poll(
        async () => {
          for (const name of Object.keys(all)) {
            verdicts[name] = await classify(page.frame({ name }), name === 'twin' ? twinOrigin : gatewayOrigin);
          }
          return Object.values(verdicts).every((v) => v !== 'pending');
        },
        { timeout: harness.responseBoundMs * 3, message: 'every frame either rendered or was refused' },
      )
      .toBe(true)
      .catch(() => notTestable(`frames on ${framer} neither rendered nor were refused within the bound: ${JSON.stringify(verdicts)}`));
    const reports: Record<string, FrameReport> = {};
    for (const name of Object.keys(all)) {
      const frame = page.frame({ name });
      const frameNavigations = frame === null ? [] : (navigations.get(frame) ?? []);
      let verdict = verdicts[name] ?? 'pending';
      // A chrome-error frame counts as the browser's refusal only when the response was blocked, not when the gateway was unreachable.
      if (verdict === 'blocked' && !frameNavigations.some((n) => n.failure === 'net::ERR_BLOCKED_BY_RESPONSE')) verdict = 'failed';
      reports[name] = {
        verdict,
        frameUrl: frame === null ? '' : pathOf(frame.url(), gatewayOrigin),
        navigations: frameNavigations,
        ...(verdict === 'rendered' && frame !== null ? { renderedTitle: await frame.title().catch(() => '') } : {}),
      };
    }
    return { reports, refusals };
  } finally {
    await page.close();
  }
}

test('XSITE-03 the admin page and the callback page cannot be framed by another site (clickjacking)', req('XSITE-03'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, origins } = harness;
  // A fresh, undelivered callback URL: framed, it is the success page with the Fetch Tools button.
  const callback = await authorizeAndCaptureCallback(harness, alice, upstream);
  for (const name of ['code', 'state']) evidence.secret(callback.searchParams.get(name) ?? '');
  const frames = { admin: `${target.origin}${target.adminPagePath}`, callback: callback.href };

  // Cross-site always; the same-site sibling too when the target declares siblings untrusted (XSITE-06).
  const framers: Record<string, string> = { 'cross-site attacker': origins.attacker };
  if (target.describe().siblingPolicy === 'reject') framers['same-site sibling'] = origins.sibling;

  const results: Record<string, Awaited<ReturnType<typeof frameFrom>>> = {};
  for (const [label, framer] of Object.entries(framers)) results[label] = await frameFrom(harness, alice.context, framer, frames);
  evidence.add('frames', results);

  for (const [label, { reports }] of Object.entries(results)) {
    // Positive twin: a page without anti-framing headers does render in the same kind of frame.
    if (reports['twin']?.verdict !== 'rendered') notTestable(`the frameable twin page did not render in a frame on the ${label} page`);
    for (const name of Object.keys(frames)) {
      const report = reports[name];
      if (report?.verdict === 'failed') notTestable(`the ${name} frame on the ${label} page failed to load for another reason: ${JSON.stringify(report.navigations)}`);
      expect(
        report?.verdict,
        `the ${name} page framed by the ${label} (${report?.frameUrl}, title "${report?.renderedTitle ?? ''}"): the browser must refuse to render it`,
      ).toBe('blocked');
    }
  }
});
