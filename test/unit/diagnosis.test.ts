/** Diagnosis: every requirement that can fail points somewhere, and the rules that tell look-alike failures apart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUG_CLASSES, diagnose, diagnosedRequirements } from '../../reporting/diagnosis.js';
import { REQUIREMENTS } from '../../catalogue/requirements.js';
import { FAULT_MODES } from '../../targets/reference/faults.js';
import { GRANT_NOT_KEPT } from '../../fixtures/issued-grant-kept.js';

test('every catalogue requirement has a diagnosis rule', () => {
  const covered = diagnosedRequirements();
  const missing = REQUIREMENTS.filter((r) => r.family !== 'ENV' && !covered.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, []);
});

test('every fault mode names a bug class that exists, and its own requirements can reach it', () => {
  for (const f of FAULT_MODES) {
    assert.ok(f.bugClass in BUG_CLASSES, `${f.mode}: unknown class ${f.bugClass}`);
  }
});

test('the original bug class: a refused same-origin request tells its causes apart by what the page sent', () => {
  const refused = 'Error: /oauth/fetch-tools/gw-1 answered 401: {"detail":"Cookie authentication not allowed for API requests"}';
  const withCookie = JSON.stringify({ fetchTools: { status: 401, sentCookie: true, secFetchSite: 'same-origin' } });
  const withoutCookie = JSON.stringify({ fetchTools: { status: 401, sentCookie: false, secFetchSite: 'same-origin' } });
  assert.equal(diagnose({ requirement: 'SESSION-01', error: refused, evidence: withCookie })?.bugClass, 'browser-vs-api-heuristic');
  assert.equal(diagnose({ requirement: 'SESSION-01', error: refused, evidence: withoutCookie })?.bugClass, 'page-request-without-credentials');
  const silent = 'Error: Pressing the callback page Fetch Tools control sent no Fetch Tools request to the gateway within 5000 ms';
  const blocked = `${silent}; the page reported 1 problem(s), first csp-violation: CSP violation: script-src-elem blocked inline`;
  const quiet = `${silent}; the page reported no script error, CSP violation or console error`;
  assert.equal(diagnose({ requirement: 'SESSION-01', error: blocked, evidence: '' })?.bugClass, 'page-script-broken');
  assert.equal(diagnose({ requirement: 'SESSION-02', error: quiet, evidence: '' })?.bugClass, 'success-without-effect');
  const noTools = 'Error: tools listed by the gateway API\n\nExpected: ArrayContaining ["echo"]\nReceived: []';
  assert.equal(diagnose({ requirement: 'SESSION-02', error: noTools, evidence: '' })?.bugClass, 'success-without-effect');
});

test('cross-site: an effect behind a refusal is its own class, an accepted request is not', () => {
  const error = 'Error: forged requests the gateway did not refuse';
  const twins = { twins: { calibration: { delivery: { kind: 'answered', status: 200 }, sideEffects: ['4 MCP request(s)'] } }, lateSideEffects: [] as string[] };
  const refusedButActed = JSON.stringify({
    sibling: {
      'same-site fetch POST': { delivery: { kind: 'answered', status: 403 }, sideEffects: [] },
      'same-site form POST': { delivery: { kind: 'answered', status: 403 }, sideEffects: ['8 MCP request(s)'] },
    },
    settled: twins,
  });
  const actedLater = JSON.stringify({ synthetic: { delivery: { kind: 'answered', status: 403 }, sideEffects: [] }, settled: { ...twins, lateSideEffects: ['4 MCP request(s)'] } });
  const accepted = JSON.stringify({ sibling: { 'same-site fetch POST': { delivery: { kind: 'answered', status: 200 }, sideEffects: ['4 MCP request(s)'] } }, settled: twins });
  assert.equal(diagnose({ requirement: 'XSITE-06', error, evidence: refusedButActed })?.bugClass, 'refused-but-acted');
  assert.equal(diagnose({ requirement: 'XSITE-05', error, evidence: actedLater })?.bugClass, 'refused-but-acted');
  assert.equal(diagnose({ requirement: 'XSITE-06', error, evidence: accepted })?.bugClass, 'fetch-metadata-misread');
  assert.equal(diagnose({ requirement: 'XSITE-05', error, evidence: accepted })?.bugClass, 'origin-misread');
});

test('revocation and sign-out: a surviving grant and a surviving session each have their class', () => {
  const grant = "Error: MCP requests carrying one of alice's old tokens after the disconnect\n\nExpected: 0\nReceived: 1";
  assert.equal(diagnose({ requirement: 'TOKEN-10', error: grant, evidence: '' })?.bugClass, 'grant-survives-disconnect');
  const session = 'Error: Fetch Tools with the old session cookie after sign-out answered 200 (without a cookie: 401)';
  assert.equal(diagnose({ requirement: 'SESSION-09', error: session, evidence: '' })?.bugClass, 'session-survives-logout');
});

test('ENV failures are never diagnosed as a gateway bug', () => {
  assert.equal(diagnose({ requirement: 'ENV-01', error: 'Error: expected cross-site', evidence: '' })?.bugClass, 'environment-or-harness');
});

test('races: a reused refresh token and an overwritten authorization each have their class; their look-alikes do not', () => {
  const reused = 'Error: refresh token values presented to the IdP more than once (outcomes: 200 ok; 400 invalid_grant: refresh token revoked or reused)';
  const stale = 'Error: MCP requests carrying the expired token\n\nExpected: 0\nReceived: 2';
  assert.equal(diagnose({ requirement: 'TOKEN-09', error: reused, evidence: '' })?.bugClass, 'refresh-not-serialised');
  assert.equal(diagnose({ requirement: 'TOKEN-09', error: stale, evidence: '' })?.bugClass, 'refresh-mishandled');
  const mismatch = "Error: alice's code exchange at the IdP (a code_verifier mismatch means another authorization's verifier was sent)";
  const foreignToken = 'Error: MCP requests for alice carrying a token not issued to alice';
  assert.equal(diagnose({ requirement: 'FLOW-19', error: mismatch, evidence: '' })?.bugClass, 'pending-authorization-shared');
  assert.equal(diagnose({ requirement: 'FLOW-19', error: foreignToken, evidence: '' })?.bugClass, 'wrong-token-upstream');
});

test('the cross-site return: a callback that never exchanged the code is its own class, a press that failed after it is not', () => {
  const noExchange = "Error: the gateway exchanged the authorization code after the IdP's cross-site redirect back (token requests for this code: 0; cookies the browser sent on the return: none)";
  assert.equal(diagnose({ requirement: 'FLOW-24', error: noExchange, evidence: JSON.stringify({ callback: { sessionCookieSent: false } }) })?.bugClass, 'callback-loses-session');
  const refused = 'Error: Fetch Tools on the callback page: /oauth/fetch-tools/gw-1 answered 401: {"detail":"Cookie authentication not allowed"}';
  assert.equal(diagnose({ requirement: 'FLOW-24', error: refused, evidence: JSON.stringify({ callback: { sessionCookieSent: true } }) })?.bugClass, 'browser-vs-api-heuristic');
  const neverReached = 'Error: a token request after the callback (the gateway made no token request: the authorization never reached the code exchange)';
  assert.equal(diagnose({ requirement: 'FLOW-01', error: neverReached, evidence: '' })?.bugClass, 'callback-loses-session');
  const noVerifier = 'Error: the token request carried a code_verifier';
  assert.equal(diagnose({ requirement: 'FLOW-01', error: noVerifier, evidence: '' })?.bugClass, 'pkce-missing-or-reused');
});

test("the gateway's own page refused by its own CSRF check is its own class, in every spec that presses or submits from that page", () => {
  const press = 'Error: callback page press: /oauth/fetch-tools/gw-1 answered 403: {"success":false,"message":"Cross-site request rejected: CSRF token does not match the session"}';
  const withCookie = JSON.stringify({ presses: { callback: { exchange: { status: 403, sentCookie: true } } } });
  for (const requirement of ['SESSION-01', 'SESSION-12', 'FLOW-24', 'TOKEN-09']) {
    assert.equal(diagnose({ requirement, error: press, evidence: withCookie })?.bugClass, 'own-page-csrf-token-stale', requirement);
  }
  // Without the cookie the page's request is the problem, whatever the gateway said about CSRF.
  const withoutCookie = JSON.stringify({ fetchTools: { status: 403, sentCookie: false } });
  assert.equal(diagnose({ requirement: 'SESSION-01', error: press, evidence: withoutCookie })?.bugClass, 'page-request-without-credentials');
  // The sign-out and Disconnect forms: refused by the CSRF check, so nothing was ended, which is not a surviving session.
  const signOut = 'Error: POST /logout answered 403, not 303: {"success":false,"message":"Cross-site request rejected: CSRF token does not match the session"}';
  assert.equal(diagnose({ requirement: 'SESSION-09', error: signOut, evidence: '' })?.bugClass, 'own-page-csrf-token-stale');
  const disconnect = 'Error: POST /oauth/disconnect/gw-1 answered 403, not 303: CSRF token missing';
  assert.equal(diagnose({ requirement: 'TOKEN-10', error: disconnect, evidence: '' })?.bugClass, 'own-page-csrf-token-stale');
  // A sign-out that worked and left the session alive stays the surviving-session class.
  const survived = 'Error: Fetch Tools with the old session cookie after sign-out answered 200 (without a cookie: 401)';
  assert.equal(diagnose({ requirement: 'SESSION-09', error: survived, evidence: '' })?.bugClass, 'session-survives-logout');
});

test('TOKEN-16: a later turn served by an earlier one and a press served by the other user in flight each say which happened', () => {
  const turn = "Error: bob's turn: MCP requests carrying a token that is not an access token issued for bob\n\nExpected: []";
  const overlap = "Error: bob's Fetch Tools succeeded, yet no MCP request carried an access token of bob; the requests carried: tools/list access token of alice";
  const ofTurn = diagnose({ requirement: 'TOKEN-16', error: turn, evidence: '' });
  const ofOverlap = diagnose({ requirement: 'TOKEN-16', error: overlap, evidence: '' });
  assert.equal(ofTurn?.bugClass, 'wrong-token-upstream');
  assert.equal(ofOverlap?.bugClass, 'wrong-token-upstream');
  assert.match(ofTurn?.because ?? '', /an earlier call/);
  assert.match(ofOverlap?.because ?? '', /in flight per MCP server/);
});

test("a callback that failed after the IdP issued its tokens is the gateway losing the grant, whichever requirement's journey met it", () => {
  // The words fixtures/issued-grant-kept.ts and FLOW-19 put in their failures.
  const lost = `Error: The gateway's callback answered 500 although the IdP had answered its code exchange with tokens: ${GRANT_NOT_KEPT}. The page says: Token storage failed`;
  for (const requirement of ['FLOW-19', 'TOKEN-16', 'TOKEN-26', 'TOKEN-10']) {
    assert.equal(diagnose({ requirement, error: lost, evidence: '' })?.bugClass, 'grant-not-kept', requirement);
  }
  // A callback that failed because the code exchange did (another authorization's verifier) stays where it was.
  assert.equal(diagnose({ requirement: 'FLOW-19', error: "alice's code exchange at the IdP (a code_verifier mismatch means another authorization's verifier was sent)", evidence: '' })?.bugClass, 'pending-authorization-shared');
});

test('FLOW-23: a refusal that is a server error is its own class, an unchecked document is discovery', () => {
  const asServerError = 'Error: its status (a refusal, never a server error): Dynamic Client Registration failed.\n\nexpect(received).toBeLessThan(expected)\n\nExpected: < 500\nReceived:   500';
  assert.equal(diagnose({ requirement: 'FLOW-23', error: asServerError, evidence: '' })?.bugClass, 'foreign-error-as-500');
  const registered = 'Error: client registrations at an authorization server found through authorization server metadata without code_challenge_methods_supported';
  assert.equal(diagnose({ requirement: 'FLOW-23', error: registered, evidence: '' })?.bugClass, 'discovery-unchecked');
});
