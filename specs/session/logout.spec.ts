/**
 * Signing out must end the session on the server, not only in this browser: a session cookie copied
 * before (a shared machine, a stolen cookie, a backup of the profile) must be worth nothing afterwards.
 * The old cookie is replayed with a raw HTTP client, with everything the gateway's own page would send
 * (its anti-CSRF proof, same-origin Fetch Metadata), so only the session can be what refuses it.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx } from '../../fixtures/fetch-tools.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { ownPageBody } from '../../fixtures/fetch-tools-request.js';
import type { GatewayUser } from '../../targets/target.js';
import { probeSession } from '../../fixtures/session-probe.js';
import { describeSideEffects, snapshotSideEffects } from '../../fixtures/side-effects.js';
import { notTestable } from '../../lib/outcome.js';

interface Answers {
  fetchTools: number;
  adminPage: number;
}

/** The Fetch Tools POST and the admin page GET, each sent as the gateway's own page sends it, with or without the session cookie. */
async function replay(harness: Harness, upstream: Upstream, user: GatewayUser, pageHeaders: Record<string, string>, cookie: string | undefined): Promise<Answers> {
  const { target } = harness;
  const withCookie: Record<string, string> = cookie === undefined ? {} : { cookie: `${target.sessionCookieName}=${cookie}` };
  const request = target.fetchToolsRequest(upstream.gateway, user);
  const own = ownPageBody(request);
  const fetchTools = await rawRequest(request.url, {
    method: 'POST',
    headers: { ...own.headers, ...pageHeaders, origin: target.origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', ...withCookie },
    ...(own.body === undefined ? {} : { body: own.body }),
  });
  const adminPage = await probeSession(harness, cookie);
  return { fetchTools: fetchTools.status, adminPage: adminPage.adminPageStatus };
}

/** Refused as a request without a session is: 401/403, a redirect (to sign in), or exactly the cookie-less answer (never a 2xx). */
function refused(status: number, anonymous: number): boolean {
  return status === 401 || status === 403 || (status >= 300 && status < 400) || (status === anonymous && !is2xx(status));
}

async function sessionCookie(actor: Actor, harness: Harness): Promise<string> {
  const value = await actor.sessionCookieValue();
  if (value === undefined) throw new Error(`No ${harness.target.sessionCookieName} cookie after login`);
  return value;
}

test('SESSION-09 after sign-out the old session cookie, replayed, is refused and fetches nothing upstream', req('SESSION-09'), async ({
  harness,
  makeActor,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  if (target.signOut === undefined) notTestable('the adapter offers no sign-out control (Target.signOut)');
  // A login of its own: signing out must not end the worker's shared session the other tests resume.
  const actor = await makeActor('alice');
  await authorize(harness, actor, upstream); // a grant, so a replayed Fetch Tools would have something to fetch
  await actor.page.goto(`${target.origin}${target.adminPagePath}`);
  const pageHeaders = await target.fetchToolsHeaders(actor.page);
  for (const value of Object.values(pageHeaders)) evidence.secret(value);
  const cookie = await sessionCookie(actor, harness);

  // Calibration: the admin page replay is accepted while the session lives and answered otherwise without a
  // cookie, so its answer after sign-out tells whether the session ended. The live Fetch Tools replay is
  // evidence only: whether Fetch Tools itself works is SESSION-01's question, not this one's.
  const live = await replay(harness, upstream, actor.user, pageHeaders, cookie);
  const anonymous = await replay(harness, upstream, actor.user, pageHeaders, undefined);
  evidence.add('beforeSignOut', { withCookie: live, withoutCookie: anonymous });
  if (!is2xx(live.adminPage) || live.adminPage === anonymous.adminPage) {
    notTestable(`the admin page replay does not tell a live session from none (with the cookie ${live.adminPage}, without ${anonymous.adminPage})`);
  }

  await target.signOut(actor.page);
  const beforeReplay = await snapshotSideEffects(harness, upstream, actor.user);
  const after = await replay(harness, upstream, actor.user, pageHeaders, cookie);
  const effects = describeSideEffects(beforeReplay, await snapshotSideEffects(harness, upstream, actor.user));
  evidence.add('afterSignOut', { withOldCookie: after, sideEffects: effects });

  expect(refused(after.fetchTools, anonymous.fetchTools), `Fetch Tools with the old session cookie after sign-out answered ${after.fetchTools} (without a cookie: ${anonymous.fetchTools})`).toBe(true);
  expect(refused(after.adminPage, anonymous.adminPage), `the admin page with the old session cookie after sign-out answered ${after.adminPage} (without a cookie: ${anonymous.adminPage})`).toBe(true);
  expect(effects, 'side effects of the replayed Fetch Tools after sign-out').toEqual([]);
});
