/**
 * ENV-05: the client profile's counterpart of ENV-04 (a client has no login page or admin table). Before
 * any verdict, prove the client's page works here as it is served: its controls are found, its whole flow
 * runs against the mocks (Connect → the IdP → its callback → the MCP server lists tools to a token the IdP
 * issued for it), and the harness blocked nothing the page needs. The requests the adapter aborts as
 * decoration (web fonts) are listed in the evidence, never silently dropped; any other blocked request
 * makes the run an invalid environment.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';

test("ENV-05 the client's page loads with only declared decoration blocked, its controls found and its flow working against the mocks", req('ENV-05'), async ({
  harness,
  upstream,
  makeActor,
  evidence,
}) => {
  const { target } = harness;
  const actor = await makeActor('alice', { login: false });
  // The flow first, the blocked requests after: a page the harness broke (its scripts blocked) fails here on the
  // blocked list, whatever step it stopped at.
  const flow = await walkTheFlow().then(
    () => undefined,
    (error: unknown) => error,
  );
  const blocked = actor.blockedRequests();
  const decorative = target.decorativeRequests;
  const decoration = decorative ? blocked.filter((url) => decorative.matches(url)) : [];
  evidence.add('blockedAsDecoration', { urls: decoration, why: decorative?.why ?? null });
  const others = blocked.filter((url) => !decoration.includes(url));
  evidence.add('blockedRequests', others);
  expect(others, `the harness blocked ${others.length} request(s) the client's page made (invalid environment)`).toEqual([]);
  if (flow !== undefined) throw flow;

  async function walkTheFlow(): Promise<void> {
    await target.login(actor.page, actor.user);
    evidence.add('controls', await target.locateGatewayControls(actor.page, upstream.gateway));
    await authorize(harness, actor, upstream);
    const listedWithIssuedToken = (): boolean => {
      const issued = new Set(upstream.idp.issuedTokens().map((t) => t.tokenHash));
      return upstream.mcp.calls().some((c) => c.rpcMethod === 'tools/list' && c.accepted && c.tokenHash !== undefined && issued.has(c.tokenHash));
    };
    await expect
      .poll(listedWithIssuedToken, {
        message: 'the MCP server answered a tools/list carrying a token the IdP issued (the flow works against the mocks)',
        timeout: harness.responseBoundMs,
      })
      .toBe(true);
  }
});
