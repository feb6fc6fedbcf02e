/**
 * CSRF protection has to cover every state-changing endpoint, not only the one the first fix was made
 * for (ContextForge fixed /oauth/fetch-tools while the table's /gateways/ID/tools/refresh and the /admin
 * forms had checks of their own, #5978), and no GET may change state. The target lists the endpoints its
 * own UI calls; each is forged from other pages and then sent genuinely from the gateway's own page.
 */
import { test, expect, req, type Actor, type Harness } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { autoSubmitFormPage, fetchFromPage } from '../../fixtures/probes.js';
import { effectProbe, ownPageRequest } from '../../fixtures/state-changing-endpoint.js';
import { SessionKeeper } from '../../fixtures/session-keeper.js';
import { notTestable } from '../../lib/outcome.js';
import { escapeHtml } from '../../lib/html.js';
import type { Request } from '@playwright/test';
import type { StateChangingEndpoint } from '../../targets/target.js';
import { forgedFormFields } from '../../fixtures/fetch-tools-request.js';

interface Forgery {
  endpoint: string;
  from: string;
  how: string;
  /** What the gateway answered; null when the browser cut the response off (an <img> of JSON) or no request reached it. */
  serverStatus: number | null;
  changed: boolean;
  /** How long the attempt took until the gateway's answer (evidence that no bound was waited out). */
  ms: number;
}

/** Opens `html` on `origin` in the victim's browser and reports the gateway's answer to `method url`. */
async function forge(harness: Harness, victim: Actor, origin: string, html: string, url: string, method: string): Promise<number | null> {
  const page = await victim.context.newPage();
  try {
    const matches = (r: Request): boolean => r.url() === url && r.method() === method;
    const bound = { timeout: harness.responseBoundMs };
    // An <img> of a non-image is cut off by the browser (opaque response blocking) after the gateway answered:
    // that ends as 'requestfailed', not 'response'. Either event means the request reached the gateway.
    const answered = Promise.any([
      page.waitForResponse((r) => matches(r.request()), bound).then((r) => r.status()),
      page.waitForEvent('requestfailed', { predicate: matches, ...bound }).then(() => null),
    ]).catch(() => null);
    await page.goto(`${origin}${harness.attackerSite.publish(html)}`);
    return await answered;
  } finally {
    await page.close();
  }
}

const topLevelGet = (url: string): string =>
  `<!doctype html><title>attacker</title><script>location.href = ${JSON.stringify(url)};</script>`;
const imageGet = (url: string): string => `<!doctype html><title>attacker</title><img src="${escapeHtml(url)}" alt="">`;

/**
 * The auto-submitted forms another site forges the endpoint's request with: its fields, or for a JSON body the same
 * body in both shapes a form can carry it (its members urlencoded, the JSON text in a text/plain form).
 */
function forgedForms(endpoint: StateChangingEndpoint): Record<string, string> {
  const { url, json } = endpoint;
  if (json === undefined) return { [`form ${endpoint.method}`]: autoSubmitFormPage(url, { fields: endpoint.fields }) };
  return {
    [`form ${endpoint.method} (the JSON body's members, urlencoded)`]: autoSubmitFormPage(url, { fields: forgedFormFields({ url, json }, 'application/x-www-form-urlencoded') }),
    [`form ${endpoint.method} (the JSON body, text/plain)`]: autoSubmitFormPage(url, { enctype: 'text/plain', fields: forgedFormFields({ url, json }, 'text/plain') }),
  };
}

test('XSITE-12 every state-changing endpoint the UI uses refuses forged requests, and no GET changes state', req('XSITE-12'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target, origins } = harness;
  if (target.stateChangingEndpoints === undefined) notTestable('the adapter does not list the gateway\'s state-changing endpoints');
  const endpoints = target.stateChangingEndpoints(upstream.gateway);
  if (endpoints.length === 0) notTestable('the adapter lists no state-changing endpoints');
  test.slow();
  // A grant, so that Fetch Tools has an effect to show.
  await authorize(harness, alice, upstream);

  const postFrom: Record<string, string> = { 'cross-site attacker': origins.attacker };
  if (target.describe().siblingPolicy === 'reject') postFrom['same-site sibling'] = origins.sibling;
  // A GET must change nothing whoever sends it, whatever the sibling policy.
  const getFrom: Record<string, string> = { 'cross-site attacker': origins.attacker, 'same-site sibling': origins.sibling };

  const forgeries: Forgery[] = [];
  const twins: Record<string, { serverStatus: number | null; changed: boolean }> = {};
  // Each request goes out with alice signed in, even after a refusal that ended her session in the browser.
  const session = await SessionKeeper.hold(alice.context, target);
  for (const endpoint of endpoints) {
    const effect = effectProbe(harness, upstream, alice, endpoint);
    const attempt = async (from: string, how: string, send: () => Promise<number | null>): Promise<void> => {
      await session.restore();
      const before = await effect();
      const t0 = Date.now();
      const serverStatus = await send();
      const ms = Date.now() - t0;
      forgeries.push({ endpoint: endpoint.name, from, how, serverStatus, changed: (await effect()) !== before, ms });
    };
    for (const [from, origin] of Object.entries(postFrom)) {
      for (const [how, form] of Object.entries(forgedForms(endpoint))) {
        await attempt(from, how, () => forge(harness, alice, origin, form, endpoint.url, 'POST'));
      }
    }
    for (const [from, origin] of Object.entries(getFrom)) {
      await attempt(from, 'top-level GET', () => forge(harness, alice, origin, topLevelGet(endpoint.url), endpoint.url, 'GET'));
      await attempt(from, '<img> GET', () => forge(harness, alice, origin, imageGet(endpoint.url), endpoint.url, 'GET'));
    }

    // Positive twin: the request the gateway's own admin page sends does change the state.
    await session.restore();
    const page = await alice.context.newPage();
    try {
      await page.goto(`${target.origin}${target.adminPagePath}`);
      const request = await ownPageRequest(endpoint, page);
      const before = await effect();
      const result = await fetchFromPage(page, endpoint.url, request);
      twins[endpoint.name] = { serverStatus: result.serverStatus, changed: (await effect()) !== before };
    } finally {
      await page.close();
    }
  }
  evidence.add('forgeries', forgeries);
  evidence.add('positiveTwins', twins);
  evidence.add('sessionRestored', session.restored);
  // A forgery that changed the state fails on its own; only "no forgery changed anything" needs the twins to
  // show that a change was possible (a forged Disconnect that worked leaves its twin nothing to disconnect).
  for (const f of forgeries) {
    expect(f.changed, `${f.endpoint}: a ${f.how} from the ${f.from} (answered ${f.serverStatus}) changed the gateway's state`).toBe(false);
  }
  for (const [name, twin] of Object.entries(twins)) {
    if (!twin.changed) notTestable(`the genuine request to "${name}" from the gateway's own page (HTTP ${twin.serverStatus}) changed nothing either`);
  }
});
