/**
 * Every endpoint that acts for a user must first know the user. The bugs are one route: a handler that sends its
 * 401 and then goes on (a missing `return`), a route that kept the anti-CSRF check of a shared middleware but lost
 * the authentication dependency. A cross-site forgery carries the victim's cookie and is refused by the CSRF
 * defences; a request with no credentials at all, sent by any client on the network, is refused only by
 * authentication. So each request here is exactly what the gateway's own page or API client sends (the body, the
 * page's anti-CSRF proof, same-origin Origin and Fetch Metadata, which a non-browser client writes as it likes),
 * less the session cookie and the API token: only authentication can refuse it.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { fetchFromPage } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { is2xx } from '../../fixtures/fetch-tools.js';
import { effectProbe, ownPageRequest } from '../../fixtures/state-changing-endpoint.js';
import { notTestable } from '../../lib/outcome.js';
import { ownStep } from '../../fixtures/own-step.js';

interface Attempt {
  endpoint: string;
  /** The gateway's answer to the request without credentials. */
  status: number;
  /** Whether that request changed what the endpoint changes, at once or (API actions and edits) by the time genuine requests were served. */
  changed: boolean;
  /** The genuine request (with the user's credentials): its status and whether it changed the state (the probe's proof). */
  twin: { status: number | null; changed: boolean };
}

/** The lines of `after` that `before` does not hold, as a multiset. */
function addedLines(before: string, after: string): string[] {
  const left = new Map<string, number>();
  for (const line of before.split('\n')) left.set(line, (left.get(line) ?? 0) + 1);
  const added: string[] = [];
  for (const line of after.split('\n')) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else added.push(line);
  }
  return added;
}

test('SESSION-15 a request without credentials is refused by every endpoint that acts for a user, and changes nothing', req('SESSION-15'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  const ui = target.stateChangingEndpoints?.(upstream.gateway) ?? [];
  const api = target.apiActions?.(upstream.gateway, upstream.registration.mcpUrl) ?? [];
  const edits = target.apiEdits?.() ?? [];
  if (ui.length + api.length + edits.length === 0) {
    notTestable("the adapter lists none of the gateway's endpoints (Target.stateChangingEndpoints, Target.apiActions, Target.apiEdits)");
  }
  test.slow(); // an authorization, then per endpoint a request without credentials and its genuine twin
  // A grant, so that Fetch Tools has an effect to show.
  await authorize(harness, alice, upstream);
  // As the gateway's own page sends it, so that neither the anti-CSRF defences nor a malformed request refuse it.
  const sameOrigin = { origin: target.origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', referer: `${target.origin}${target.adminPagePath}` };

  const attempts: Attempt[] = [];
  const page = await alice.context.newPage();
  try {
    for (const endpoint of ui) {
      // A fresh page per endpoint: a gateway may re-issue its anti-CSRF token with every page it renders (the
      // previous twin's redirect rendered one).
      await page.goto(`${target.origin}${target.adminPagePath}`);
      const effect = effectProbe(harness, upstream, alice, endpoint);
      const request = await ownPageRequest(endpoint, page);
      const before = await effect();
      const anonymous = await rawRequest(endpoint.url, { ...request, headers: { ...sameOrigin, ...request.headers } });
      const changed = (await effect()) !== before;
      const twinBefore = await effect();
      const twin = await fetchFromPage(page, endpoint.url, request);
      attempts.push({ endpoint: endpoint.name, status: anonymous.status, changed, twin: { status: twin.serverStatus, changed: (await effect()) !== twinBefore } });
    }
  } finally {
    await page.close();
  }
  for (const action of api) {
    const before = await action.effect();
    const anonymous = await rawRequest(action.url, {
      method: action.method,
      headers: { ...sameOrigin, 'content-type': 'application/json' },
      body: JSON.stringify(action.body()),
    });
    const afterAnonymous = await action.effect();
    // Two genuine requests: each must add as many lines. One that added more also carries the late effect of the
    // refused request (a handler that answered 401 and went on working in the background).
    const twinStatus = await action.sendAs(alice.user, action.body());
    const afterTwin = await action.effect();
    await action.sendAs(alice.user, action.body());
    const byTwin = addedLines(afterAnonymous, afterTwin).length;
    const bySecondTwin = addedLines(afterTwin, await action.effect()).length;
    attempts.push({
      endpoint: action.name,
      status: anonymous.status,
      changed: afterAnonymous !== before || byTwin !== bySecondTwin,
      twin: { status: twinStatus, changed: byTwin > 0 },
    });
  }
  for (const edit of edits) {
    // Each request acts on a registration of its own: the one without credentials on `refused`, its twin on `genuine`.
    const prepare = (): ReturnType<typeof edit.prepare> => ownStep(`registering a registration for "${edit.name}" to act on`, () => edit.prepare());
    const refused = await prepare();
    const before = await refused.state();
    const anonymous = await rawRequest(refused.url, {
      method: edit.method,
      headers: { ...sameOrigin, ...(refused.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(refused.body === undefined ? {} : { body: JSON.stringify(refused.body) }),
    });
    const afterAnonymous = await refused.state();
    const genuine = await prepare();
    const twinBefore = await genuine.state();
    const twinStatus = await genuine.sendAs(alice.user);
    const twinChanged = (await genuine.state()) !== twinBefore;
    // Read again once the gateway has served the twin: a refused request that went on in the background shows by now.
    const late = await refused.state();
    attempts.push({ endpoint: edit.name, status: anonymous.status, changed: afterAnonymous !== before || late !== before, twin: { status: twinStatus, changed: twinChanged } });
  }
  evidence.add('withoutCredentials', attempts);

  // An effect fails on its own; a success answer without one is still a request the gateway took as authenticated.
  for (const a of attempts) {
    expect(a.changed, `${a.endpoint}: a request without credentials (answered ${a.status}) changed the gateway's state`).toBe(false);
    expect(is2xx(a.status), `${a.endpoint}: a request without credentials was answered ${a.status}, as a success`).toBe(false);
  }
  for (const a of attempts) {
    if (!a.twin.changed) notTestable(`the genuine request to "${a.endpoint}" (HTTP ${a.twin.status}) changed nothing either, so "no effect" shows nothing`);
  }
});
