/**
 * TOKEN-14: an MCP server that takes the request and never answers (a stuck server: a deadlock, a full queue, a
 * proxy that holds the connection). The gateway must stop waiting within the timeout it is configured with, which
 * the target declares, and the press must end in a failure. A gateway whose timeout is not applied (or that has
 * none) leaves the user's press hanging far past its own setting. While the MCP server holds the request, another
 * page of the gateway must load: judged by order, not by a time limit (answered while the MCP server still held the
 * request), so a slow machine cannot fail a gateway that serves on, and a gateway whose upstream call blocks its
 * worker cannot pass.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { is2xx, pressFetchTools, type BoundedPress } from '../../fixtures/fetch-tools.js';
import { notTestable } from '../../lib/outcome.js';

/** The admin page loaded in another tab while the MCP server held the press's request. */
interface AnotherPage {
  heldWhenAsked: boolean;
  status: number | null;
  stillHeldWhenAnswered: boolean;
}

test("TOKEN-14 a stuck MCP server (it takes the request and never answers) fails Fetch Tools within the gateway's own timeout", req('TOKEN-14'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  const { target } = harness;
  const declaredMs = target.upstreamTimeoutMs;
  if (declaredMs === undefined) notTestable('the adapter does not declare how long the gateway waits for an MCP server');
  // The test's usual budget, plus the wait the gateway declares (n8n's is the MCP SDK's default, a minute).
  test.setTimeout(test.info().timeout + declaredMs);
  await authorize(harness, alice, upstream);
  const page = alice.page;
  // The declared wait, plus our usual bound for the gateway's answer to reach the page.
  const boundMs = declaredMs + harness.responseBoundMs;
  const callsBefore = upstream.mcp.calls().length;
  upstream.mcp.setBehaviour('hang');
  let press: BoundedPress<AnotherPage | null>;
  try {
    press = await pressFetchTools(harness, page, upstream, 'callback', {
      withinMs: boundMs,
      meanwhile: async () => {
        const holding = await expect.poll(() => upstream.mcp.holding(), { timeout: harness.responseBoundMs }).toBeGreaterThan(0).then(() => true, () => false);
        if (!holding) return null;
        // Another tab of the same user loads the admin page while the MCP server holds the gateway's request.
        const other = await alice.context.newPage();
        try {
          const loaded = await other.goto(`${target.origin}${target.adminPagePath}`, { timeout: boundMs }).catch(() => null);
          return { heldWhenAsked: true, status: loaded?.status() ?? null, stillHeldWhenAnswered: upstream.mcp.holding() > 0 };
        } finally {
          await other.close();
        }
      },
    });
  } finally {
    // The stuck server recovers: whatever it still holds is answered 503, so nothing of ours stays open.
    upstream.mcp.setBehaviour('normal');
  }
  const sent = press.kind !== 'not-sent';
  const answer = press.kind === 'answered' ? { status: press.exchange.status, body: press.exchange.body, afterMs: press.afterMs } : null;
  const meanwhile = press.kind === 'not-sent' ? null : press.meanwhile;
  const says = answer === null ? null : await target.callbackFetchToolsOutcome(page);
  // Held requests are recorded once closed: by the gateway giving up (status 0) or by the recovery above (503).
  const heldRequests = (): number => upstream.mcp.calls().slice(callsBefore).filter((c) => c.status === 0 || c.status === 503).length;
  const held = await expect
    .poll(heldRequests, { timeout: harness.responseBoundMs })
    .toBeGreaterThan(0)
    .then(() => true, () => false);
  evidence.add('declaredTimeoutMs', declaredMs);
  evidence.add('press', { sent, answer, pageSays: says, heldMcpRequests: heldRequests() });
  evidence.add('anotherPageMeanwhile', meanwhile);
  if (!sent) notTestable(`the callback page's Fetch Tools sent no request within ${harness.responseBoundMs} ms, so how long the gateway waits cannot be told`);
  if (!held) notTestable('the press made no MCP request while the MCP server was stuck');
  expect(answer, `Fetch Tools with a stuck MCP server: no answer within the declared timeout (${declaredMs} ms) and ${harness.responseBoundMs} ms more`).not.toBeNull();
  if (answer === null || says === null) return;
  expect(is2xx(answer.status) && !/error|fail|time/i.test(answer.body), `Fetch Tools with a stuck MCP server answered ${answer.status} as a success: ${answer.body}`).toBe(false);
  expect(says.state, `the page reports a failure (it says: ${says.text})`).toBe('failure');
  if (meanwhile === null) notTestable('the MCP server held no request of the press long enough to load another page meanwhile');
  expect(meanwhile.status, 'the admin page, loaded in another tab while the MCP server held the request, answered').not.toBeNull();
  expect(
    meanwhile.stillHeldWhenAnswered,
    'the admin page, asked for while the MCP server held the request, was answered only after the gateway had stopped waiting for it: the upstream call blocks the gateway',
  ).toBe(true);
});
