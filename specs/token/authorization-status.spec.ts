/**
 * What the gateway tells a user about their authorization of an upstream is their own. A status computed from the
 * upstream's grants, anyone's, shows bob "authorized" once alice is (and tells him she is); one set by the callback and
 * never cleared outlives a Disconnect. Read where the gateway tells the user (Target.authorizationShown), at each step
 * of two users' authorizations and alice's Disconnect.
 */
import { test, expect, req, type Actor, type Harness, type Upstream } from '../../fixtures/index.js';
import { notApplicable } from '../../fixtures/applicability.js';
import { authorize } from '../../fixtures/flows.js';
import { ownStep } from '../../fixtures/own-step.js';
import { notTestable } from '../../lib/outcome.js';

/** Per user, what each place the gateway tells them about their authorization says ({ "admin table": true, … }). */
type Shown = { alice: Record<string, boolean>; bob: Record<string, boolean> };

/** What each user is shown now, in every place. A gateway that tells its users nothing of the kind makes the requirement not applicable. */
async function shownToBoth(harness: Harness, alice: Actor, bob: Actor, upstream: Upstream): Promise<Shown> {
  const { target } = harness;
  const read = target.authorizationShown?.bind(target);
  if (read === undefined) notTestable('the adapter cannot read the authorization state the gateway shows a user (Target.authorizationShown)');
  const shown = async (actor: Actor): Promise<Record<string, boolean>> => {
    const readings = await ownStep(`reading the authorization state the gateway shows ${actor.user.key}`, () => read(actor.page, actor.user, upstream.gateway));
    if (readings.length === 0) notApplicable('TOKEN-26', `${target.describe().name} ${target.describe().version} shows a user no authorization state of their own`);
    // An adapter that named two places alike would have one hide the other: each reading keeps a key of its own.
    const places: Record<string, boolean> = {};
    for (const r of readings) places[r.where in places ? `${r.where} (${Object.keys(places).length + 1})` : r.where] = r.authorized;
    return places;
  };
  return { alice: await shown(alice), bob: await shown(bob) };
}

/** The readings `shown` would be if every place said `expected` for each user. */
function everywhere(shown: Shown, expected: { alice: boolean; bob: boolean }): Shown {
  const as = (places: Record<string, boolean>, authorized: boolean): Record<string, boolean> =>
    Object.fromEntries(Object.keys(places).map((where) => [where, authorized]));
  return { alice: as(shown.alice, expected.alice), bob: as(shown.bob, expected.bob) };
}

test("TOKEN-26 the authorization state the gateway shows a user is their own: another user's grant never shows, a Disconnect clears it", req('TOKEN-26'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  test.slow(); // two authorizations, a Disconnect and eight readings of what each user is shown
  const { target } = harness;
  const before = await shownToBoth(harness, alice, bob, upstream);
  await authorize(harness, alice, upstream);
  const aliceAuthorized = await shownToBoth(harness, alice, bob, upstream);
  await authorize(harness, bob, upstream);
  const bothAuthorized = await shownToBoth(harness, alice, bob, upstream);
  let aliceDisconnected: Shown | 'no Disconnect control' = 'no Disconnect control';
  if (target.disconnectUpstream !== undefined) {
    const disconnect = target.disconnectUpstream.bind(target);
    await ownStep("alice's Disconnect through the adapter", () => disconnect(alice.page, upstream.gateway));
    aliceDisconnected = await shownToBoth(harness, alice, bob, upstream);
  }
  evidence.add('authorizedAsShown', { before, aliceAuthorized, bothAuthorized, aliceDisconnected });

  expect(before, 'before anyone authorized, each user is shown not authorized').toEqual(everywhere(before, { alice: false, bob: false }));
  expect(aliceAuthorized, "once alice has authorized she is shown authorized, and bob, who has not, is not (another user's grant)").toEqual(
    everywhere(aliceAuthorized, { alice: true, bob: false }),
  );
  expect(bothAuthorized, 'once both have authorized, each is shown authorized').toEqual(everywhere(bothAuthorized, { alice: true, bob: true }));
  if (aliceDisconnected !== 'no Disconnect control') {
    expect(aliceDisconnected, "after alice's Disconnect she is shown not authorized, and bob still authorized").toEqual(
      everywhere(aliceDisconnected, { alice: false, bob: true }),
    );
  }
});
