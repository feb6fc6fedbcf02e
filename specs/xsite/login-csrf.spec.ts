/**
 * Login CSRF: before sign-in there is no session to hold an anti-CSRF token, so gateways leave the sign-in
 * form unguarded. Another site's form then signs the victim's browser in to the attacker's account: the
 * victim's next authorization lands in the attacker's grants, and what the victim does is the attacker's
 * to read. The victim here is a fresh browser with no gateway session; bob's account plays the attacker's.
 */
import { test, expect, req, type Actor, type Harness } from '../../fixtures/index.js';
import { describeDelivery, submitFormFrom } from '../../fixtures/forgery.js';
import { autoSubmitFormPage } from '../../fixtures/probes.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { notTestable } from '../../lib/outcome.js';

/**
 * Whether the browser holds a session cookie that the gateway takes as signed in: its admin page answers
 * 2xx to that cookie (an unauthenticated request is redirected to sign-in or refused).
 */
async function holdsWorkingSession(harness: Harness, actor: Actor): Promise<{ cookie: boolean; adminPageStatus: number | null }> {
  const { target } = harness;
  const value = await actor.sessionCookieValue();
  if (value === undefined) return { cookie: false, adminPageStatus: null };
  const response = await rawRequest(`${target.origin}${target.adminPagePath}`, {
    headers: { cookie: `${target.sessionCookieName}=${value}`, accept: 'text/html', 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate' },
  });
  return { cookie: true, adminPageStatus: response.status };
}

function signedIn(session: { adminPageStatus: number | null }): boolean {
  return session.adminPageStatus !== null && session.adminPageStatus >= 200 && session.adminPageStatus < 300;
}

test("XSITE-13 a sign-in form posted from another site does not sign the browser in (login CSRF)", req('XSITE-13'), async ({ harness, makeActor, evidence }) => {
  const { target, origins } = harness;
  const form = target.loginForm ?? notTestable("the adapter does not describe the gateway's sign-in form (Target.loginForm)");
  const attackersAccount = target.users.bob;
  evidence.secret(attackersAccount.password);
  const victim = await makeActor('alice', { login: false });

  const forged = await submitFormFrom(harness, victim.context, origins.attacker, autoSubmitFormPage(form.action, { fields: form.fields(attackersAccount) }), form.action);
  const afterForgery = await holdsWorkingSession(harness, victim);
  // Positive twin: the same account through the gateway's own sign-in page does give this browser a working
  // session, so "no working session" above means the forged form was refused, not that the check is blind.
  await target.login(victim.page, attackersAccount);
  const afterOwnLogin = await holdsWorkingSession(harness, victim);
  const cookie = await victim.sessionCookieValue();
  if (cookie !== undefined) evidence.secret(cookie);
  evidence.add('forgedSignIn', { from: origins.attacker, delivery: forged, session: afterForgery });
  evidence.add('ownSignIn', afterOwnLogin);
  if (!signedIn(afterOwnLogin)) {
    notTestable(`after a real sign-in the admin page answered ${afterOwnLogin.adminPageStatus ?? '(no session cookie)'} to the session cookie, so a forged sign-in could not be seen either`);
  }
  expect(signedIn(afterForgery), `the cross-site sign-in form (${describeDelivery(forged)}) left the browser signed in to the attacker's account`).toBe(false);
});
