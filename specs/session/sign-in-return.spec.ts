/**
 * Open redirect at sign-in: the page a sign-in page promises to return to (`/login?next=…`) is what a phishing
 * link uses, since the link names the gateway's own host and the user really signs in. Each hostile value is
 * tried with a real sign-in in a browser that has no session yet; both the gateway's answer to the form (read
 * before the browser acts on it) and the browser's own navigations show where it sent the user. A gateway whose
 * sign-in page takes no return parameter declares so and the requirement does not apply to it.
 */
import type { Page, Request } from '@playwright/test';
import { test, expect, req, type Harness } from '../../fixtures/index.js';
import { hostileReturnTargets, isOnOrigin, originAndPath } from '../../fixtures/hostile-returns.js';
import { readGatewayNavigationAnswers, redirectTarget } from '../../fixtures/gateway-answers.js';
import { watchScriptDialogs } from '../../fixtures/script-dialogs.js';
import { notApplicable } from '../../fixtures/applicability.js';
import { notTestable } from '../../lib/outcome.js';
import type { GatewayUser, SignInReturn } from '../../targets/target.js';

interface SignInAttempt {
  value: string;
  /** Where the browser ended up (origin + path), once the gateway answered the sign-in. */
  landedOn: string;
  /** Main-frame navigations after the sign-in form was sent, to a site that is not the gateway. */
  leftTo: string[];
  /**
   * Redirects the gateway answered with to another site (or a non-web URL), whether or not the browser followed
   * them: a page's CSP `form-action` makes Chromium refuse a form's redirect to another origin, other browsers may
   * not, and the gateway is an open redirector either way.
   */
  redirectedElsewhere: string[];
  /** A javascript: value ran in the page. */
  scriptRan: boolean;
}

async function signInReturningTo(
  harness: Harness,
  page: Page,
  user: GatewayUser,
  declared: Extract<SignInReturn, { kind: 'parameter' }>,
  value: string,
): Promise<SignInAttempt> {
  const leftTo: string[] = [];
  const redirectedElsewhere: string[] = [];
  const onRequest = (request: Request): void => {
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    if (!isOnOrigin(request.url(), harness.target.origin)) leftTo.push(originAndPath(request.url()));
  };
  const stopReading = await readGatewayNavigationAnswers(harness, page.context(), (answer) => {
    const target = redirectTarget(answer);
    if (target === undefined) return;
    if (target === 'unparsable' || target.origin !== new URL(harness.target.origin).origin) {
      redirectedElsewhere.push(target === 'unparsable' ? 'an unparsable Location' : originAndPath(target.href));
    }
  });
  page.on('request', onRequest);
  const dialogs = watchScriptDialogs(page);
  try {
    await declared.signIn(page, user, value);
    await page.waitForLoadState('load');
    return { value, landedOn: originAndPath(page.url()), leftTo, redirectedElsewhere, scriptRan: dialogs.opened };
  } finally {
    await stopReading();
    page.off('request', onRequest);
    dialogs.stop();
  }
}

test("SESSION-13 the sign-in page's return parameter cannot send the user to another site", req('SESSION-13'), async ({ harness, makeActor, evidence }) => {
  const declared = harness.target.signInReturn;
  if (declared === undefined) notTestable("the adapter does not declare whether the gateway's sign-in page takes a return parameter");
  if (declared.kind === 'none') notApplicable('SESSION-13', declared.reason);
  const { values: hostile } = hostileReturnTargets(harness);
  const user = harness.target.users.alice;
  // A browser with no session for each sign-in: the page must really ask for credentials each time.
  const signIn = async (value: string): Promise<SignInAttempt> => {
    const actor = await makeActor('alice', { login: false });
    try {
      return await signInReturningTo(harness, actor.page, user, declared, value);
    } finally {
      // The session each sign-in made is a secret like any other: kept out of reports and traces.
      const cookie = await actor.sessionCookieValue();
      if (cookie) evidence.secret(cookie);
      await actor.context.close();
    }
  };

  // Positive twin first: the gateway does return to its own page, so its parameter is live.
  const twin = await signIn(declared.samplePath);
  evidence.add('positiveTwin', twin);
  if (twin.landedOn !== `${harness.target.origin}${declared.samplePath}`) {
    notTestable(`signed in with return target ${declared.samplePath}, the browser ended on ${twin.landedOn}, so the sign-in page's return parameter is not in use`);
  }

  const attempts: SignInAttempt[] = [];
  for (const value of hostile) attempts.push(await signIn(value));
  evidence.add('attempts', attempts);
  for (const a of attempts) {
    const label = `return target ${JSON.stringify(a.value)}`;
    expect(a.redirectedElsewhere, `${label}: the gateway answered the sign-in with a redirect to another site`).toEqual([]);
    expect(a.leftTo, `${label}: after signing in, the browser was sent to another site`).toEqual([]);
    expect(a.scriptRan, `${label}: script ran in the page`).toBe(false);
    expect(isOnOrigin(a.landedOn, harness.target.origin), `${label}: after signing in, the browser ended on ${a.landedOn}`).toBe(true);
  }
});
