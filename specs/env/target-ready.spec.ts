/**
 * ENV-04: before any verdict, prove the harness did not spoil the target's own pages. The runner is
 * offline: a page that loads a CDN script the harness cannot serve faithfully gets that request blocked,
 * and a page missing its scripts loses its controls. Every requirement driven through those pages would
 * then "fail" for a reason that is ours, not the gateway's; this check makes such a run say
 * "invalid environment" and name the blocked URLs instead.
 *
 * What it leaves alone: a page the gateway itself broke (its own script answers 404, a release shipped
 * without its bundle). The adapter tells the two apart with evidence (targets/page-trouble.ts); the
 * gateway's breakage is reported by the requirements that use the page (SESSION-02, UI-01, …). Likewise a
 * sign-in that the gateway sends off its public base behind the proxy (a redirect out of its sub-path):
 * PROXY-01 signs in itself and reports it.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { isNotTestableMessage } from '../../lib/outcome.js';
import { isOffPublicBase, publicBase } from '../../fixtures/behind-proxy.js';

/** The adapter's message when a control is missing because the gateway's own resources failed. */
const GATEWAY_CAUSE = /the gateway's own page resources failed/;

test("ENV-04 the target's login and admin pages load with no request blocked by the harness and every adapter control found", req('ENV-04'), async ({
  harness,
  upstream,
  makeActor,
  evidence,
}) => {
  // Two full loads of a real gateway's admin UI (login, then the table): heavy targets take long under load.
  test.slow(harness.run.target !== 'reference', 'loads a real gateway\'s admin UI twice');
  const actor = await makeActor('alice', { login: false });
  let notTestable: string | null = null;
  try {
    await harness.target.login(actor.page, actor.user);
    const cookie = await actor.sessionCookieValue();
    if (cookie) evidence.secret(cookie);
    evidence.add('controls', await harness.target.locateGatewayControls(actor.page, upstream.gateway));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const landed = new URL(actor.page.url());
    if (isNotTestableMessage(message)) notTestable = message;
    else if (GATEWAY_CAUSE.test(message)) evidence.add('leftToTheGatewayRequirements', message);
    else if (isOffPublicBase(harness.origins, landed)) {
      // The gateway itself sent the browser off its public base (behind the proxy: out of its sub-path, where
      // nothing of ours interferes): PROXY-01 judges that; the environment is not at fault.
      evidence.add('leftToTheGatewayRequirements', `${message.split('\n')[0]} (the gateway sent the browser to ${landed.origin}${landed.pathname}, outside its public base ${publicBase(harness.origins)})`);
    } else throw error;
  }
  const blocked = actor.blockedRequests();
  evidence.add('blockedRequests', blocked);
  expect(blocked, `the harness blocked ${blocked.length} request(s) the target's pages made (invalid environment)`).toEqual([]);
  expect(notTestable, "the adapter could not find a control on the target's pages").toBeNull();
});
