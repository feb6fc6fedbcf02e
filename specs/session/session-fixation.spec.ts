/**
 * Session fixation: a session id that exists before sign-in must not be the signed-in session. Cookies have
 * weak integrity (a same-site sibling can set one for the gateway's host), so whoever planted a pre-login
 * value would hold the session the victim then signs in to. The first test plants a random value shaped like a
 * token (a gateway whose session cookie is signed, a JWT, simply never accepts it, which passes); the second plants
 * the attacker's own signed-in session, a value the gateway knows: a sign-in that takes over the session the browser
 * already holds (switching its user, keeping its id) hands the victim's session to whoever planted it.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req, type Actor } from '../../fixtures/index.js';
import type { Target } from '../../targets/target.js';
import { probeSession } from '../../fixtures/session-probe.js';
import { notTestable } from '../../lib/outcome.js';
import { signInWith } from '../../fixtures/sign-in-attempt.js';

/** Host-only and path /, as the gateway's own cookie: the value the gateway sees at sign-in is the planted one. */
async function plantSessionCookie(victim: Actor, target: Target, value: string): Promise<void> {
  const name = target.sessionCookieName;
  await victim.context.addCookies([{ name, value, url: target.origin, secure: name.startsWith('__Host-') || name.startsWith('__Secure-') }]);
}

test('SESSION-10 sign-in issues a new session id: a session cookie planted before sign-in authenticates nothing afterwards', req('SESSION-10'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const planted = randomBytes(32).toString('base64url');
  evidence.secret(planted);
  const victim = await makeActor('alice', { login: false });
  await plantSessionCookie(victim, target, planted);
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

test("SESSION-10 sign-in issues a new session id: another account's signed-in session planted before sign-in is not kept", req('SESSION-10'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const form = target.loginForm ?? notTestable("the adapter describes no sign-in form (Target.loginForm), which this test submits with a planted session cookie");
  // The attacker's own session (bob signs in to the gateway): a value the gateway knows and holds signed in.
  const attacker = await makeActor('bob');
  const planted = (await attacker.sessionCookieValue()) ?? notTestable(`bob's sign-in left no ${target.sessionCookieName} cookie to plant`);
  evidence.secret(planted);
  // Planted once the victim's sign-in page has loaded, just before the form is submitted: a gateway that shows no
  // sign-in page to a browser already signed in still receives the planted session with the sign-in.
  const victim = await makeActor('alice', { login: false });
  const plant = (): Promise<void> => plantSessionCookie(victim, target, planted);
  const { alice } = target.users;
  const signIn = await signInWith(harness, victim, form, alice, { login: alice.login, password: alice.password }, evidence, { beforeSubmit: plant });
  const issued = await victim.sessionCookieValue();
  evidence.add('signIn', signIn);
  evidence.add('planted', { sameValueKept: issued === planted });
  // Positive twin: the sign-in left the victim's browser signed in, so "another id" says something.
  if (!signIn.signedIn) notTestable(`the sign-in with the planted session cookie present did not leave a signed-in session (HTTP ${signIn.status}, admin page ${signIn.adminPageStatus ?? 'no cookie'})`);
  expect(issued === planted, "the victim's signed-in session kept the id of the session planted before sign-in (the attacker's)").toBe(false);
});
