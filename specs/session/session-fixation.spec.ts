/**
 * Session fixation: a session id that exists before sign-in must not be the signed-in session. Cookies have
 * weak integrity (a same-site sibling can set one for the gateway's host), so whoever planted a pre-login
 * value would hold the session the victim then signs in to. The planted value is random and shaped like a
 * token; a gateway whose session cookie is signed (a JWT) simply never accepts it, which passes.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req } from '../../fixtures/index.js';
import { probeSession } from '../../fixtures/session-probe.js';
import { notTestable } from '../../lib/outcome.js';

test('SESSION-10 sign-in issues a new session id: a session cookie planted before sign-in authenticates nothing afterwards', req('SESSION-10'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const name = target.sessionCookieName;
  const planted = randomBytes(32).toString('base64url');
  evidence.secret(planted);
  const victim = await makeActor('alice', { login: false });
  // Host-only and path /, as the gateway's own cookie: the value the gateway sees at sign-in is the planted one.
  await victim.context.addCookies([{ name, value: planted, url: target.origin, secure: name.startsWith('__Host-') || name.startsWith('__Secure-') }]);
  const before = await probeSession(harness, planted);
  await target.login(victim.page, target.users.alice);
  const issued = await victim.sessionCookieValue();
  if (issued !== undefined) evidence.secret(issued);
  const plantedAfter = await probeSession(harness, planted);
  const issuedAfter = issued === undefined ? null : await probeSession(harness, issued);
  evidence.add('planted', { before, afterSignIn: plantedAfter, sameValueKept: issued === planted });
  evidence.add('issued', issuedAfter);
  // Positive twin: the cookie the sign-in left does authenticate, so the probe can tell signed in from not.
  if (issuedAfter === null || !issuedAfter.signedIn) {
    notTestable(`after sign-in the admin page answered ${issuedAfter?.adminPageStatus ?? '(no session cookie)'} to the browser's session cookie, so the probe cannot tell`);
  }
  expect(before.signedIn, 'the planted value was a signed-in session before sign-in (the planting went wrong)').toBe(false);
  expect(plantedAfter.signedIn, `the session cookie planted before sign-in is signed in afterwards (admin page ${plantedAfter.adminPageStatus})`).toBe(false);
  expect(issued === planted, 'the signed-in session kept the planted id').toBe(false);
});
