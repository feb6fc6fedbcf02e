/**
 * The gateway's own sign-in is the door to every upstream grant behind it: whoever it lets in as alice fetches
 * tools with alice's delegated tokens. Every other spec signs in with the right password, so a gateway that takes
 * any password would pass them all. Here each near miss a weak check lets through is submitted on the gateway's own
 * sign-in page (a wrong password, the right one shortened, an empty one, in another case, with a character more,
 * another account's, an unknown user), and the right password, submitted the same way, must sign in: without that, a
 * refusal would prove nothing.
 *
 * The API's sign-in (credentials in, a bearer token out) is the same door, often written apart from the page's: it
 * gets the same near misses, and must issue no token that the API then takes.
 *
 * The near misses against one account stay below five: gateways lock an account after a few failures
 * (ContextForge: five), which would take the account away from the rest of the run. So they are shared between
 * the two accounts (three each), and each account's right password comes last, which also resets such a count.
 */
import { randomBytes } from 'node:crypto';
import { test, expect, req } from '../../fixtures/index.js';
import { signInWith, type SignInAttempt } from '../../fixtures/sign-in-attempt.js';
import { notTestable } from '../../lib/outcome.js';
import type { GatewayUser, Target } from '../../targets/target.js';

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

/** `password` with the case of every letter swapped (the same when it has no letters). */
function caseSwapped(password: string): string {
  return [...password].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

/**
 * What a weak check lets through, for the two accounts: bob gets alice's password (a check against every
 * account's), when the two passwords differ, and his own in another case (a comparison that ignores case) and with a
 * character more (one that reads only as much of the typed password as the stored one is long); an unknown login
 * gets alice's (a check that skips unknown users).
 */
function nearMissesOf(target: Target): NearMiss[] {
  const { alice, bob } = target.users;
  const unknown = unknownLogin(alice.login);
  const bobsInAnotherCase = caseSwapped(bob.password);
  return [
    { name: `${alice.login} with a wrong password of the same length`, user: alice, login: alice.login, password: wrongPassword(alice.password) },
    { name: `${alice.login} with her password less its last character`, user: alice, login: alice.login, password: alice.password.slice(0, -1) },
    { name: `${alice.login} with an empty password`, user: alice, login: alice.login, password: '' },
    ...(bob.password === alice.password ? [] : [{ name: `${bob.login} with ${alice.login}'s password`, user: bob, login: bob.login, password: alice.password }]),
    ...(bobsInAnotherCase === bob.password ? [] : [{ name: `${bob.login} with his password in another case`, user: bob, login: bob.login, password: bobsInAnotherCase }]),
    { name: `${bob.login} with his password and one character more`, user: bob, login: bob.login, password: `${bob.password}x` },
    { name: `an unknown user (${unknown}) with ${alice.login}'s password`, user: alice, login: unknown, password: alice.password },
  ];
}

test("SESSION-14 sign-in takes only the named account's own password, in full: a wrong, shortened, lengthened, case-changed or empty password, another account's password and an unknown user sign nobody in", req('SESSION-14'), async ({
  harness,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const form = target.loginForm ?? notTestable("the adapter does not describe the gateway's sign-in form (Target.loginForm)");
  const { alice, bob } = target.users;
  evidence.secret(alice.password);
  evidence.secret(bob.password);

  const browser = await makeActor('alice', { login: false });
  const outcomes: Array<{ attempt: string } & SignInAttempt> = [];
  for (const miss of nearMissesOf(target)) {
    // A near miss the page's own script will not send (n8n's editor refuses an empty password) signs nobody in from
    // this page; the API test below sends every one of them to the server.
    const attempt = await signInWith(harness, browser, form, miss.user, { login: miss.login, password: miss.password }, evidence, { unsent: 'outcome' });
    outcomes.push({ attempt: miss.name, ...attempt });
  }
  evidence.add('nearMisses', outcomes);
  if (outcomes.every((o) => o.status === null)) notTestable("the sign-in page sent none of the near misses to the gateway: its own script refused them all");

  // Positive twin, after the near misses: the same submission with the right password signs in, so the probe could
  // see a session, and the near misses did not lock the account (a lock would make every refusal above meaningless).
  const right = await signInWith(harness, browser, form, alice, { login: alice.login, password: alice.password }, evidence);
  evidence.add('rightPassword', right);
  // Bob's right password too: it ends his run of failures before a lock could (see the top of this file).
  evidence.add('bobsRightPassword', await signInWith(harness, browser, form, bob, { login: bob.login, password: bob.password }, evidence));
  const admitted = outcomes.filter((o) => o.signedIn);
  if (admitted.length === 0 && !right.signedIn) {
    notTestable(
      `the right password, submitted on the sign-in page the same way, did not sign in either (answered ${right.status}, ${right.cookieSet ? `admin page ${right.adminPageStatus ?? '?'} to its session cookie` : 'no session cookie set'}), so the refusals above prove nothing`,
    );
  }
  expect(
    admitted.map((o) => `${o.attempt} (answered ${o.status}; admin page ${o.adminPageStatus ?? '?'} to the session cookie it set)`),
    "sign-ins with what is not the account's password that gave the browser a signed-in session",
  ).toEqual([]);
});

test("SESSION-14 the API's sign-in takes only the named account's own password, in full: the same near misses get no token the API then takes", req('SESSION-14'), async ({
  harness,
  evidence,
}) => {
  const { target } = harness;
  const api = target.apiSignIn ?? notTestable("the adapter does not describe the gateway's API sign-in (Target.apiSignIn)");
  const { alice, bob } = target.users;
  evidence.secret(alice.password);
  evidence.secret(bob.password);

  const outcomes: Array<{ attempt: string; issued: boolean; refusedWith?: number; tokenAuthenticates?: boolean }> = [];
  for (const miss of nearMissesOf(target)) {
    const outcome = await api.attempt({ login: miss.login, password: miss.password });
    if (outcome.kind === 'refused') {
      outcomes.push({ attempt: miss.name, issued: false, refusedWith: outcome.status });
      continue;
    }
    evidence.secret(outcome.token);
    outcomes.push({ attempt: miss.name, issued: true, tokenAuthenticates: await api.authenticates(outcome.token) });
  }
  evidence.add('nearMisses', outcomes);

  // Positive twin, last as on the page: the right password gets a token the API takes, so a refusal above was the
  // password check's, and `authenticates` can say yes.
  const right = await api.attempt({ login: alice.login, password: alice.password });
  let rightWorks = false;
  if (right.kind === 'issued') {
    evidence.secret(right.token);
    rightWorks = await api.authenticates(right.token);
  }
  evidence.add('rightPassword', right.kind === 'issued' ? { issued: true, tokenAuthenticates: rightWorks } : { issued: false, refusedWith: right.status });
  // Bob's right password too: it ends his run of failures before a lock could (see the top of this file).
  const bobsRight = await api.attempt({ login: bob.login, password: bob.password });
  if (bobsRight.kind === 'issued') evidence.secret(bobsRight.token);
  evidence.add('bobsRightPassword', bobsRight.kind === 'issued' ? { issued: true } : { issued: false, refusedWith: bobsRight.status });
  const admitted = outcomes.filter((o) => o.tokenAuthenticates === true);
  if (admitted.length === 0 && !rightWorks) {
    notTestable(
      `the right password did not get a working API token either (${right.kind === 'issued' ? 'a token the API refused' : `refused with ${right.status}`}), so the refusals above prove nothing`,
    );
  }
  expect(
    admitted.map((o) => o.attempt),
    "API sign-ins with what is not the account's password that got a token the API takes",
  ).toEqual([]);
});
