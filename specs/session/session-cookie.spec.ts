/**
 * The session cookie itself: the browser's own CSRF and XSS defences only work if the gateway asks for
 * them (SameSite, HttpOnly, Secure). Read from the Set-Cookie header the login sent, because the cookie
 * jar reports a missing SameSite as the browser's default.
 */
import { test, expect, req } from '../../fixtures/index.js';

// These specs are about what the login itself sets: alice logs in through the real form in each test.
test.use({ freshLogin: true });

/** Attribute names of one Set-Cookie value, lower-cased, with their values. */
function cookieAttributes(setCookie: string): Map<string, string> {
  const [, ...parts] = setCookie.split(';');
  return new Map(parts.map((p) => p.trim()).filter(Boolean).map((p) => {
    const [name = '', ...value] = p.split('=');
    return [name.trim().toLowerCase(), value.join('=').trim()];
  }));
}

test('SESSION-07 the session cookie sets SameSite=Lax or Strict explicitly, and Secure over https', req('SESSION-07'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const actor = await makeActor('alice', { login: false });
  const setCookies: string[] = [];
  actor.page.on('response', async (response) => {
    if (!response.url().startsWith(target.origin)) return;
    for (const value of await response.headerValues('set-cookie')) {
      if (value.startsWith(`${target.sessionCookieName}=`)) setCookies.push(value);
    }
  });
  await target.login(actor.page, actor.user);
  expect(setCookies.length, `the login set the ${target.sessionCookieName} cookie`).toBeGreaterThan(0);
  const last = setCookies.at(-1) ?? '';
  const attributes = cookieAttributes(last);
  evidence.add('sessionCookieAttributes', Object.fromEntries(attributes));
  expect(['lax', 'strict'], `SameSite attribute of ${target.sessionCookieName}`).toContain((attributes.get('samesite') ?? '(absent)').toLowerCase());
  if (target.origin.startsWith('https:')) expect(attributes.has('secure'), 'Secure over https').toBe(true);
});

test('SESSION-08 page script never sees the session token', req('SESSION-08'), async ({ harness, alice, evidence }) => {
  const { target } = harness;
  const value = await alice.sessionCookieValue();
  expect(value, 'a session cookie after login').toBeTruthy();
  const jar = (await alice.context.cookies()).find((c) => c.name === target.sessionCookieName);
  evidence.add('jar', { httpOnly: jar?.httpOnly, sameSite: jar?.sameSite, secure: jar?.secure });
  for (const path of [target.adminPagePath, target.plainPagePath]) {
    await alice.page.goto(`${target.origin}${path}`);
    const visible = await alice.page.evaluate(() => ({
      cookie: document.cookie,
      dom: document.documentElement.outerHTML,
      storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    }));
    evidence.add(`visibleTo:${path}`, { documentCookieNames: visible.cookie.split(/;\s*/).map((c) => c.split('=')[0]) });
    expect(visible.cookie.includes(value ?? '\u0000'), `document.cookie on ${path} exposes the session token`).toBe(false);
    expect(visible.dom.includes(value ?? '\u0000'), `the DOM of ${path} contains the session token`).toBe(false);
    expect(visible.storage.includes(value ?? '\u0000'), `Web Storage on ${path} holds the session token`).toBe(false);
  }
  expect(jar?.httpOnly, 'the session cookie is HttpOnly').toBe(true);
});
