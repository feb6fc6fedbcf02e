/**
 * TOKEN-17: the gateway holds the delegated tokens and its client secret so that nobody else has to. FLOW-12 keeps
 * them out of everything the browser sees; this spec reads the gateway's API the way any signed-in user's script
 * can, after alice authorized and fetched tools: every read endpoint the adapter names, with alice's API credentials
 * and with bob's. A registration serialised as stored (one endpoint that forgot the masking the others apply) or a
 * grant returned "for reuse" shows up here only.
 */
import { test, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { apiCredentialHeaders } from '../../fixtures/api-credentials.js';
import type { SeenText } from '../../fixtures/token-scan.js';
import { expectNoIssuedSecretIn } from '../../fixtures/issued-secret-search.js';
import { notTestable } from '../../lib/outcome.js';

test("TOKEN-17 the API's answers about gateways, grants and tools hold no delegated token or client secret, for the user who authorized or another", req('TOKEN-17'), async ({
  harness,
  alice,
  bob,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  if (target.readEndpoints === undefined) notTestable("the adapter names no read endpoint of the gateway's API (Target.readEndpoints)");
  await authorize(harness, alice, upstream);
  // A gateway may keep more of a grant once it has been used (an expiry, a refreshed token): use it first.
  await pressFetchTools(harness, alice.page, upstream, 'callback').catch((e: unknown) => evidence.add('callbackFetchTools', String(e)));

  const endpoints = target.readEndpoints(upstream.gateway);
  const seen: SeenText[] = [];
  const answers: { reader: string; endpoint: string; status: number; bytes: number }[] = [];
  for (const reader of [alice, bob]) {
    const credentials = await apiCredentialHeaders(target, reader.user, evidence);
    for (const endpoint of endpoints) {
      const answer = await rawRequest(endpoint.url, { headers: { ...credentials, accept: 'application/json' } });
      const where = `${endpoint.name} (GET ${new URL(endpoint.url).pathname}) read by ${reader.user.login}`;
      seen.push({ where, text: answer.body });
      answers.push({ reader: reader.user.login, endpoint: endpoint.name, status: answer.status, bytes: answer.body.length });
    }
  }
  evidence.add('answers', answers);
  expectNoIssuedSecretIn(harness, upstream, seen, "the API's answers", evidence);
  // Without an endpoint that answered alice, the search had nowhere to look.
  if (!answers.some((a) => a.reader === alice.user.login && is2xx(a.status))) {
    notTestable(`no read endpoint answered alice with a 2xx: ${answers.map((a) => `${a.endpoint} ${a.status}`).join(', ')}`);
  }
});
