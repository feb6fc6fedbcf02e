/**
 * Delegated tokens belong to the gateway and the MCP server only: nothing the browser loads during the
 * whole flow may contain one.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { pressFetchTools } from '../../fixtures/fetch-tools.js';
import { scanForTokens } from '../../fixtures/token-scan.js';

test('FLOW-12 no access or refresh token reaches the browser', req('FLOW-12'), async ({ harness, alice, upstream, evidence }) => {
  const seen: { where: string; text: string }[] = [];
  const pending: Promise<void>[] = [];
  alice.context.on('response', (response) => {
    const where = new URL(response.url()).origin + new URL(response.url()).pathname;
    seen.push({ where: `URL of ${where}`, text: response.url() });
    const location = response.headers()['location'];
    if (location) seen.push({ where: `redirect from ${where}`, text: location });
    const type = response.headers()['content-type'] ?? '';
    if (/html|json|javascript|text/.test(type)) {
      pending.push(response.text().then((text) => void seen.push({ where: `body of ${where}`, text }), () => undefined));
    }
  });
  await authorize(harness, alice, upstream);
  await pressFetchTools(harness, alice.page, upstream, 'callback').catch(() => undefined);
  const pageState = await alice.page.evaluate(() => ({
    url: location.href,
    dom: document.documentElement.outerHTML,
    cookie: document.cookie,
    storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  }));
  await Promise.all(pending);
  seen.push(
    { where: 'callback page URL', text: pageState.url },
    { where: 'callback page DOM', text: pageState.dom },
    { where: 'document.cookie', text: pageState.cookie },
    { where: 'Web Storage', text: pageState.storage },
  );
  const issued = harness.idp.issuedTokens().filter((t) => t.clientId === upstream.clientId);
  const sightings = scanForTokens(seen, issued);
  evidence.add('scanned', { texts: seen.length, issuedTokens: issued.length });
  evidence.add('sightings', sightings);
  expect(issued.length, 'tokens the IdP issued to this gateway (the scan needs some)').toBeGreaterThan(0);
  expect(sightings, 'issued tokens found in what the browser loaded').toEqual([]);
});
