/**
 * A session id is the user's whole session: whoever can compute one holds that session and every upstream
 * grant behind it. Opaque is not enough (a hash of the user name and a counter looks random): five real
 * sign-ins are read as values an attacker would try to predict, with the checks FLOW-03 applies to state.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { guessableInputs, maxRandomBits } from '../../fixtures/guessable-state.js';
import { expectUnpredictable } from '../../fixtures/unpredictable.js';
import { hashSecret } from '../../lib/secrets.js';
import { notTestable } from '../../lib/outcome.js';
import { ownStep } from '../../fixtures/own-step.js';
import { onGatewayClock, readGatewayClock } from '../../fixtures/gateway-clock.js';

test('SESSION-11 session ids cannot be guessed: five sign-ins get five different values, long enough for 128 bits, not sequential, not a hash of a counter, the time or the user', req('SESSION-11'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  test.slow(); // five sign-ins through the gateway's form, then an enumeration of a few hundred thousand hashes
  const fromMs = Date.now() - 2_000;
  const ids: string[] = [];
  const users: string[] = [];
  for (const key of ['alice', 'bob', 'alice', 'bob', 'alice'] as const) {
    const actor = await makeActor(key);
    const id = await actor.sessionCookieValue();
    if (id === undefined || id === '') notTestable(`no session cookie in ${actor.user.login}'s browser after signing in`);
    evidence.secret(id);
    ids.push(id);
    users.push(actor.user.login, actor.user.idpUsername, actor.idpUser.sub);
  }
  const toMs = Date.now() + 1_000;
  // The times enumerated below are the gateway's: its clock may differ from ours (fixtures/gateway-clock.ts).
  const gatewayClock = await ownStep("reading the gateway's clock (its Date header)", () => readGatewayClock(harness));
  evidence.add('gatewayClock', gatewayClock);
  evidence.add('sessionIds', ids.map(hashSecret));
  expect(new Set(ids).size, 'distinct session ids over five sign-ins (alice and bob)').toBe(5);
  for (const id of ids) {
    expect(maxRandomBits(id), `session id ${hashSecret(id)} (${id.length} characters) is too short to hold 128 random bits`).toBeGreaterThanOrEqual(128);
  }
  const known = [...new Set(users)];
  expectUnpredictable(ids, {
    one: 'session id',
    many: 'session ids',
    minVaryingBits: 64,
    varyingNote: '~60 for 64 random bits',
    inputs: guessableInputs({ identifiers: known, gatewayIds: [], users: known, ...onGatewayClock({ fromMs, toMs }, gatewayClock) }),
    evidence,
  });
});
