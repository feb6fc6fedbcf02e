/**
 * Login CSRF: before sign-in there is no session to hold an anti-CSRF token, so gateways leave the sign-in
 * form unguarded. Another site's form then signs the victim's browser in to the attacker's account: the
 * victim's next authorization lands in the attacker's grants, and what the victim does is the attacker's
 * to read. The victim here is a fresh browser with no gateway session; bob's account plays the attacker's.
 */
import { test, expect, req, type Actor, type Harness } from '../../fixtures/index.js';
import type { Evidence } from '../../fixtures/evidence.js';
import { describeDelivery, submitFormFrom } from '../../fixtures/forgery.js';
import { autoSubmitFormPage } from '../../fixtures/probes.js';
import { probeSession } from '../../fixtures/session-probe.js';
import { notTestable } from '../../lib/outcome.js';

/** The browser's session cookie, if any, and whether the gateway takes it as signed in. */
async function browserSession(harness: Harness, actor: Actor, evidence: Evidence): Promise<{ cookie: boolean; adminPageStatus: number | null; signedIn: boolean }> {
  const value = await actor.sessionCookieValue();
  if (value === undefined) return { cookie: false, adminPageStatus: null, signedIn: false };
  evidence.secret(value);
  return { cookie: true, ...(await probeSession(harness, value)) };
}

test("XSITE-13 a sign-in form posted from another site does not sign the browser in (login CSRF)", req('XSITE-13'), async ({ harness, makeActor, evidence }) => {
  const { target, origins } = harness;
  const form = target.loginForm ?? notTestable("the adapter does not describe the gateway's sign-in form (Target.loginForm)");
  const attackersAccount = target.users.bob;
  evidence.secret(attackersAccount.password);
  const victim = await makeActor('alice', { login: false });

  const forged = await submitFormFrom(harness, victim.context, origins.attacker, autoSubmitFormPage(form.action, { fields: form.fields(attackersAccount) }), form.action);
  const afterForgery = await browserSession(harness, victim, evidence);
  evidence.add('forgedSignIn', { from: origins.attacker, delivery: forged, session: afterForgery });
  if (!afterForgery.signedIn) {
    // Positive twin, needed only for "not signed in": the same account through the gateway's own sign-in page
    // does give this browser a working session, so the probe above could have seen one.
    await target.login(victim.page, attackersAccount);
    const afterOwnLogin = await browserSession(harness, victim, evidence);
    evidence.add('ownSignIn', afterOwnLogin);
    if (!afterOwnLogin.signedIn) {
      notTestable(`after a real sign-in the admin page answered ${afterOwnLogin.adminPageStatus ?? '(no session cookie)'} to the session cookie, so a forged sign-in could not be seen either`);
    }
  }
  expect(afterForgery.signedIn, `the cross-site sign-in form (${describeDelivery(forged)}) left the browser signed in to the attacker's account`).toBe(false);
});
