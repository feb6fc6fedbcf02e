/**
 * The session cookie itself: the browser's own CSRF and XSS defences only work if the gateway asks for
 * them (SameSite, HttpOnly, Secure) — every time it sets the cookie, not only at login: a rotation after
 * the OAuth callback or a sliding renewal replaces the cookie, attributes included. Read from the
 * Set-Cookie headers themselves, because the cookie jar reports a missing SameSite as the browser's default.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req, type Actor, type Harness } from '../../fixtures/index.js';
import { notTestable } from '../../lib/outcome.js';
import type { SessionCookieSet } from '../../fixtures/cookie-watch.js';
import { sessionCookieThroughWholeFlow } from '../../fixtures/whole-flow.js';

/** RFC 6265 §5.2.4 / §5.1.4: the Path a cookie really gets (an absent or relative Path means the response's directory). */
function effectivePath(set: SessionCookieSet): string {
  const path = set.attributes['path'];
  if (path !== undefined && path.startsWith('/')) return path;
  const responsePath = new URL(set.where).pathname;
  const last = responsePath.lastIndexOf('/');
  return last <= 0 ? '/' : responsePath.slice(0, last);
}

function describeSets(sets: readonly SessionCookieSet[]): unknown[] {
  return sets.map((s) => ({ where: s.where, deletion: s.deletion, attributes: s.attributes }));
}

test('SESSION-07 every Set-Cookie of the session cookie, through the whole flow, sets SameSite=Lax or Strict, Secure over https, the same Path, and stays host-only', req('SESSION-07'), async ({
  harness,
  makeActor,
  upstream,
  evidence,
}) => {
  test.slow(); // the whole journey: sign-in, authorization, both Fetch Tools controls, an API call
  const { target } = harness;
  const actor = await makeActor('alice', { login: false });
  const { steps, sets } = await sessionCookieThroughWholeFlow(harness, actor, upstream);
  for (const s of sets) evidence.secret(s.value);
  evidence.add('steps', steps);
  evidence.add('sessionCookieSets', describeSets(sets));
  const live = sets.filter((s) => !s.deletion);
  expect(live.length, `the login set the ${target.sessionCookieName} cookie`).toBeGreaterThan(0);
  const firstPath = effectivePath(live[0] as SessionCookieSet);
  for (const set of live) {
    expect(['lax', 'strict'], `SameSite of ${target.sessionCookieName} set by ${set.where}`).toContain((set.attributes['samesite'] ?? '(absent)').toLowerCase());
    if (target.origin.startsWith('https:')) expect('secure' in set.attributes, `Secure on the cookie set by ${set.where} (https)`).toBe(true);
    expect(effectivePath(set), `Path of the cookie set by ${set.where} (a different Path makes a second cookie)`).toBe(firstPath);
  }
  if (target.describe().siblingPolicy !== 'reject') return; // a trusted sibling may share the session (declared)
  for (const set of live) {
    expect(set.attributes['domain'], `Domain of the cookie set by ${set.where}: a domain cookie goes to every sub-domain, the untrusted sibling included`).toBeUndefined();
  }
  const reach = await sessionCookieReach(harness, actor);
  evidence.add('sessionCookieSentTo', reach);
  if (!reach.gatewayHost) notTestable(`a request to the gateway's host name carried no ${target.sessionCookieName} cookie either: the probe cannot see the cookie`);
  expect(reach.sibling, `the browser sent ${target.sessionCookieName} to the sibling origin ${harness.origins.sibling}`).toBe(false);
});

/**
 * Where the browser sends the session cookie now: a top-level navigation (Lax cookies ride along) to the echo
 * server under the gateway's host name (cookies ignore the port: the positive twin) and under the sibling's.
 */
async function sessionCookieReach(harness: Harness, actor: Actor): Promise<{ gatewayHost: boolean; sibling: boolean }> {
  const { attackerSite, origins, target } = harness;
  const sentTo = async (origin: string): Promise<boolean> => {
    const path = `${origins.gatewayRootPath}/echo/session-scope-${randomBytes(6).toString('hex')}`;
    await actor.page.goto(`${origin}${path}`);
    const seen = attackerSite.echoes().find((e) => e.path === path);
    if (seen === undefined) notTestable(`the echo server never saw the probe navigation to ${origin}${path}`);
    return seen.cookieNames.includes(target.sessionCookieName);
  };
  const gatewayHostEcho = origins.onAttackerServer(new URL(target.origin).hostname);
  return { gatewayHost: await sentTo(gatewayHostEcho), sibling: await sentTo(origins.sibling) };
}

test('SESSION-08 page script never sees the session token, however often the cookie is set', req('SESSION-08'), async ({
  harness,
  makeActor,
  upstream,
  evidence,
}) => {
  test.slow(); // the whole journey, then every page read as script would
  const { target } = harness;
  const actor = await makeActor('alice', { login: false });
  const { steps, sets } = await sessionCookieThroughWholeFlow(harness, actor, upstream);
  const jar = (await actor.context.cookies()).find((c) => c.name === target.sessionCookieName);
  const values = [...new Set([...sets.filter((s) => !s.deletion).map((s) => s.value), ...(jar ? [jar.value] : [])])];
  for (const v of values) evidence.secret(v);
  evidence.add('steps', steps);
  evidence.add('sessionCookieSets', describeSets(sets));
  evidence.add('jar', { httpOnly: jar?.httpOnly, sameSite: jar?.sameSite, secure: jar?.secure });
  expect(values.length, 'a session cookie after login').toBeGreaterThan(0);
  for (const set of sets.filter((s) => !s.deletion)) {
    expect('httponly' in set.attributes, `HttpOnly on the cookie set by ${set.where}`).toBe(true);
  }
  for (const path of [target.adminPagePath, target.plainPagePath]) {
    await actor.page.goto(`${target.origin}${path}`);
    const visible = await actor.page.evaluate(() => ({
      cookie: document.cookie,
      dom: document.documentElement.outerHTML,
      storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    }));
    evidence.add(`visibleTo:${path}`, { documentCookieNames: visible.cookie.split(/;\s*/).map((c) => c.split('=')[0]) });
    for (const value of values) {
      expect(visible.cookie.includes(value), `document.cookie on ${path} exposes a session token`).toBe(false);
      expect(visible.dom.includes(value), `the DOM of ${path} contains a session token`).toBe(false);
      expect(visible.storage.includes(value), `Web Storage on ${path} holds a session token`).toBe(false);
    }
  }
  expect(jar?.httpOnly, 'the session cookie the browser holds at the end is HttpOnly').toBe(true);
});
