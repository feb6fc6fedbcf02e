/**
 * The gateway's own sign-in is the door to every upstream grant behind it: whoever it lets in as alice fetches
 * tools with alice's delegated tokens. Every other spec signs in with the right password, so a gateway that takes
 * any password would pass them all. Here each near miss a weak check lets through is submitted on the gateway's own
 * sign-in page (a wrong password, the right one shortened, an empty one, another account's, an unknown user),
 * and the right password, submitted the same way, must sign in: without that, a refusal would prove nothing.
 *
 * The near misses against one account stay below five: gateways lock an account after a few failures
 * (ContextForge: five), which would take the account away from the rest of the run. The right password comes
 * last, which also resets such a count.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req } from '../../fixtures/index.js';
import { signInWith, type SignInAttempt } from '../../fixtures/sign-in-attempt.js';
import { notTestable } from '../../lib/outcome.js';
import type { GatewayUser } from '../../targets/target.js';

interface NearMiss {
  /** What was sent, for the report (never the password itself). */
  name: string;
  user: GatewayUser;
  login: string;
  password: string;
}

/** A password of the same length that is not `password`: length alone must not pass a check. */
function wrongPassword(password: string): string {
  const candidate = randomBytes(Math.max(password.length, 8)).toString('base64url').slice(0, Math.max(password.length, 8));
  return candidate === password ? `${candidate}x` : candidate;
}

/** A login no account has, shaped like the real ones (an email when they are emails). */
function unknownLogin(like: string): string {
  const name = `nobody-${randomBytes(4).toString('hex')}`;
  const at = like.indexOf('@');
  return at < 0 ? name : `${name}${like.slice(at)}`;
}

test("SESSION-14 sign-in takes only the named account's own password, in full: a wrong, shortened or empty password, another account's password and an unknown user sign nobody in", req('SESSION-14'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const form = target.loginForm ?? notTestable("the adapter does not describe the gateway's sign-in form (Target.loginForm)");
  const { alice, bob } = target.users;
  evidence.secret(alice.password);
  evidence.secret(bob.password);

  const nearMisses: NearMiss[] = [
    { name: `${alice.login} with a wrong password of the same length`, user: alice, login: alice.login, password: wrongPassword(alice.password) },
    { name: `${alice.login} with her password less its last character`, user: alice, login: alice.login, password: alice.password.slice(0, -1) },
    { name: `${alice.login} with an empty password`, user: alice, login: alice.login, password: '' },
    ...(bob.password === alice.password
      ? []
      : [{ name: `${bob.login} with ${alice.login}'s password`, user: bob, login: bob.login, password: alice.password }]),
  ];
  const unknown = unknownLogin(alice.login);
  nearMisses.push({ name: `an unknown user (${unknown}) with ${alice.login}'s password`, user: alice, login: unknown, password: alice.password });

  const browser = await makeActor('alice', { login: false });
  const outcomes: Array<{ attempt: string } & SignInAttempt> = [];
  for (const miss of nearMisses) {
    outcomes.push({ attempt: miss.name, ...(await signInWith(harness, browser, form, miss.user, { login: miss.login, password: miss.password }, evidence)) });
  }
  evidence.add('nearMisses', outcomes);
  if (bob.password === alice.password) evidence.add('skipped', "another account's password: the two accounts share one password");

  // Positive twin, after the near misses: the same post with the right password signs in, so the probe could see
  // a session, and the near misses did not lock the account (a lock would make every refusal above meaningless).
  const right = await signInWith(harness, browser, form, alice, { login: alice.login, password: alice.password }, evidence);
  evidence.add('rightPassword', right);
  const admitted = outcomes.filter((o) => o.signedIn);
  if (admitted.length === 0 && !right.signedIn) {
    notTestable(
      `the right password, submitted on the sign-in page the same way, did not sign in either (answered ${right.status}, ${right.cookieSet ? `admin page ${right.adminPageStatus ?? '?'} to its session cookie` : 'no session cookie set'}), so the refusals above prove nothing`,
    );
  }
  expect(
    admitted.map((o) => `${o.attempt} (answered ${o.status}; admin page ${o.adminPageStatus ?? '?'} to the session cookie it set)`),
    'sign-ins with what is not the account\'s password that gave the browser a signed-in session',
  ).toEqual([]);
});
