/**
 * The steps of `mcp-gateway-conformance check`: every adapter method a spec uses, in the order specs use
 * them, each judged by what it must have achieved (a session cookie in the browser, the IdP asked for
 * the registered client, the mock MCP server asked for its tools with alice's token, the mock's tool names
 * read back), not merely by resolving. The flow reuses the suite's own pieces (createActor, the IdP walk,
 * pressFetchTools), so a step that passes here behaves the same inside a spec.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, Page, Request } from '@playwright/test';
import { actorOptionsFor, createActor, type Actor } from '../fixtures/actors.js';
import { is2xx, pressFetchTools, type FetchToolsControl } from '../fixtures/fetch-tools.js';
import type { Harness } from '../fixtures/harness.js';
import { startMcpBehind, type PreparedUpstream, type Upstream } from '../fixtures/upstream.js';
import { isOnIdp, signInAndConsent } from '../mock-idp/browser.js';
import type { McpCallRecord, MockMcp } from '../mock-mcp/types.js';
import type { UrlRegistrationOutcome } from '../targets/target.js';
import type { StepDefinition } from './self-check-steps.js';
import { clientRegistrationsSince } from '../fixtures/idp-records.js';

export interface AdapterCheckWorld {
  harness: Harness;
  browser: Browser;
  /** The fresh mock MCP server and IdP client that `registerGateway` is asked to register. */
  prepared: PreparedUpstream;
  /** Secret values met on the way (session cookie, API token, page CSRF values): the command redacts them. */
  secrets: Set<string>;
}

export const STEP = {
  prepareContext: 'prepareContext',
  login: 'login',
  apiToken: 'apiToken',
  registerGateway: 'registerGateway',
  registerGatewayByUrl: 'registerGatewayByUrl',
  registerGatewayByIssuer: 'registerGatewayByIssuer',
  locateGatewayControls: 'locateGatewayControls',
  startAuthorization: 'startAuthorization',
  idp: 'IdP sign-in and consent (harness)',
  callback: 'callback, code redeemed (harness)',
  callbackFetchTools: 'clickCallbackFetchTools + callbackFetchToolsOutcome',
  tableFetchTools: 'clickTableFetchTools + tableFetchToolsOutcome',
  listTools: 'listTools',
  authorizationShown: 'authorizationShown',
  stateChangingEndpoints: 'stateChangingEndpoints',
  disconnectUpstream: 'disconnectUpstream',
  signOut: 'signOut',
  repointUpstream: 'repointUpstream',
  removeUpstream: 'removeUpstream',
} as const;

const POLL_MS = 100;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads until `done` or `boundMs` passed (a poll of in-memory records or an API, never a fixed wait). */
async function pollUntil<T>(read: () => Promise<T> | T, done: (value: T) => boolean, boundMs: number, signal: AbortSignal): Promise<T> {
  const deadline = Date.now() + boundMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await delay(POLL_MS, undefined, { signal });
    value = await read();
  }
  return value;
}

function present<T>(value: T | undefined, missing: string): T {
  if (value === undefined) throw new Error(missing);
  return value;
}

/** Prefixes an error with the adapter method it came out of, so a combined step names the broken half. */
async function blame<T>(method: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(`${method}: ${messageOf(error)}`);
  }
}

/**
 * State-changing requests the page sends to the gateway while watched: method and path only (queries
 * and bodies may carry secrets). They tell "the control sent nothing" from "the adapter does not
 * recognise what it sent", and show that a disconnect control really reached the gateway.
 */
function watchGatewayWrites(page: Page, origin: string): { sent(): string[]; stop(): void } {
  const sent: string[] = [];
  const onRequest = (request: Request): void => {
    if (request.method() === 'GET' || request.method() === 'HEAD' || !request.url().startsWith(origin)) return;
    sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
  };
  page.on('request', onRequest);
  return { sent: () => [...sent], stop: () => void page.off('request', onRequest) };
}

/**
 * A registration that leaves the gateway to register its own client at the IdP (RFC 7591): by the MCP URL alone, or by
 * the MCP URL and the issuer. The adapter's part is reaching it and the gateway registering a client at the IdP; whether
 * the gateway checks what it read is FLOW-23's verdict. A server of its own, so it never touches the other steps' one.
 */
function discoveredRegistrationStep(
  harness: Harness,
  name: string,
  absent: boolean,
  register: (mcp: MockMcp) => Promise<UrlRegistrationOutcome> | undefined,
): StepDefinition {
  const { idp } = harness;
  return {
    name,
    optional: true,
    absent,
    needs: [],
    timeoutMs: harness.responseBoundMs * 4,
    async run() {
      const mcp = await startMcpBehind(harness, idp);
      try {
        const mark = idp.log().length;
        const outcome = await register(mcp);
        if (outcome === undefined) throw new Error('returned nothing');
        if (outcome.kind === 'refused') throw new Error(`the gateway refused a registration whose discovery documents are all valid: ${outcome.status} ${outcome.message}`);
        const registered = clientRegistrationsSince(idp, mark).filter((r) => r.status === 201);
        if (registered.length === 0) throw new Error('registered, but the gateway registered no client at the IdP the metadata names');
        return `registered as ${outcome.gateway.id}; the gateway registered client ${registered[0]?.clientId ?? '?'} at the IdP`;
      } finally {
        await mcp.close();
      }
    },
  };
}

export function adapterSteps(world: AdapterCheckWorld): StepDefinition[] {
  const { harness, browser, prepared, secrets } = world;
  const { target, idp } = harness;
  const alice = target.users.alice;
  const aliceAtIdp = harness.idpUserFor(alice);
  // A step may take a few gateway answers (a page load, a click's request, the outcome shown).
  const timeoutMs = harness.responseBoundMs * 4;
  let actor: Actor | undefined;
  let upstream: Upstream | undefined;
  let callbackUrl: URL | undefined;
  let stopWatchingCallback = (): void => undefined;
  let idpMark = 0;

  // Each step runs only after the steps it `needs` passed, so these are set by then.
  const theActor = (): Actor => present(actor, 'no browser context (prepareContext did not pass)');
  const theUpstream = (): Upstream => present(upstream, 'no registered gateway (registerGateway did not pass)');

  /** The mock MCP server answered tools/list to alice's delegated token since `mark`, else a reason that says what it saw. */
  async function expectToolsListedToAlice(mark: number, signal: AbortSignal): Promise<void> {
    const accepted = (c: McpCallRecord): boolean => c.accepted && c.sub === aliceAtIdp.sub;
    const lists = await pollUntil(
      () => prepared.mcp.calls().slice(mark).filter((c) => c.rpcMethod.includes('tools/list')),
      (calls) => calls.some(accepted),
      harness.responseBoundMs,
      signal,
    );
    if (lists.some(accepted)) return;
    const last = lists.at(-1);
    if (!last) throw new Error('the page says success, but the mock MCP server received no tools/list request');
    if (!last.accepted) throw new Error(`the mock MCP server refused the gateway's tools/list: ${last.rejectedReason ?? `HTTP ${last.status}`}`);
    throw new Error(`the mock MCP server answered tools/list to a token for ${last.sub ?? 'nobody'}, not alice (${aliceAtIdp.sub})`);
  }

  /** Presses one Fetch Tools control the way SESSION-01/02 do, then reads what the page says and what the MCP server saw. */
  async function fetchTools(control: FetchToolsControl, signal: AbortSignal): Promise<string> {
    const { page } = theActor();
    const up = theUpstream();
    const click = control === 'callback' ? 'clickCallbackFetchTools' : 'clickTableFetchTools';
    const outcome = control === 'callback' ? 'callbackFetchToolsOutcome' : 'tableFetchToolsOutcome';
    const mark = prepared.mcp.calls().length;
    const writes = watchGatewayWrites(page, target.origin);
    let exchange;
    try {
      exchange = await pressFetchTools(harness, page, up, control, () => theActor().problems());
    } catch (error) {
      const sent = writes.sent();
      const hint = sent.length > 0 ? `; the page did send ${sent.join(', ')}: does isFetchToolsRequest recognise it?` : '';
      throw new Error(`${click}: ${messageOf(error)}${hint}`);
    } finally {
      writes.stop();
    }
    if (!is2xx(exchange.status)) throw new Error(`${click}: the gateway answered ${exchange.endpoint} with ${exchange.status}: ${exchange.body}`);
    const says = await blame(outcome, () =>
      control === 'callback' ? target.callbackFetchToolsOutcome(page) : target.tableFetchToolsOutcome(page, up.gateway),
    );
    if (says.state !== 'success') throw new Error(`${outcome}: the page says ${says.state}: ${says.text}`);
    await blame(outcome, () => expectToolsListedToAlice(mark, signal));
    return `${exchange.endpoint} answered ${exchange.status}, the page says "${says.text}", the MCP server listed its tools to alice`;
  }

  return [
    {
      name: STEP.prepareContext,
      timeoutMs,
      async run() {
        // createActor is how every spec gets a browser: the harness's offline route, then the adapter's prepareContext.
        actor = await createActor(browser, target, alice, aliceAtIdp, actorOptionsFor(harness));
        // The same bounds a run's Playwright config sets (5 s / 10 s for the reference), so a wait the adapter
        // leaves unbounded fails with Playwright's own message well inside the step's bound.
        actor.context.setDefaultTimeout(harness.responseBoundMs);
        actor.context.setDefaultNavigationTimeout(harness.responseBoundMs * 2);
        const blocked = actor.blockedRequests();
        return blocked.length > 0 ? `the harness blocked ${blocked.length} off-machine request(s): ${blocked.slice(0, 3).join(', ')}` : undefined;
      },
    },
    {
      name: STEP.login,
      needs: [STEP.prepareContext],
      timeoutMs,
      async run() {
        const a = theActor();
        await target.login(a.page, alice);
        const cookie = await a.sessionCookieValue();
        if (cookie === undefined || cookie === '') {
          throw new Error(`login resolved, but the browser holds no "${target.sessionCookieName}" cookie (Target.sessionCookieName)`);
        }
        secrets.add(cookie);
        if (!a.page.url().startsWith(target.origin)) throw new Error(`login resolved on ${new URL(a.page.url()).origin}, not on the gateway (${target.origin})`);
        return `signed in as ${alice.login}, now on ${new URL(a.page.url()).pathname}`;
      },
    },
    {
      name: STEP.apiToken,
      timeoutMs,
      async run() {
        const token = await target.apiToken(alice);
        if (typeof token !== 'string' || token === '') throw new Error('apiToken returned no token');
        secrets.add(token);
        return `a token of ${token.length} characters`;
      },
    },
    {
      name: STEP.registerGateway,
      timeoutMs,
      async run() {
        const gateway = await target.registerGateway(prepared.registration);
        if (typeof gateway?.id !== 'string' || gateway.id === '') throw new Error('registerGateway returned no gateway id');
        upstream = { ...prepared, gateway };
        return `"${gateway.name}", id ${gateway.id}`;
      },
    },
    discoveredRegistrationStep(harness, STEP.registerGatewayByUrl, target.registerGatewayByUrl === undefined, (mcp) =>
      target.registerGatewayByUrl?.({ name: `check-by-url-${harness.runId}`, mcpUrl: mcp.url, scopes: ['openid', 'mcp'] }),
    ),
    discoveredRegistrationStep(harness, STEP.registerGatewayByIssuer, target.registerGatewayByIssuer === undefined, (mcp) =>
      target.registerGatewayByIssuer?.({ name: `check-by-issuer-${harness.runId}`, mcpUrl: mcp.url, issuer: idp.issuer, scopes: ['openid', 'mcp'] }),
    ),
    {
      name: STEP.locateGatewayControls,
      needs: [STEP.login, STEP.registerGateway],
      timeoutMs,
      async run() {
        const controls = await target.locateGatewayControls(theActor().page, theUpstream().gateway);
        // The interface asks for a description of each control: the Authorize one and the Fetch Tools one.
        if (!Array.isArray(controls) || controls.filter((c) => typeof c === 'string' && c.trim() !== '').length < 2) {
          throw new Error(`expected a description of the Authorize and the Fetch Tools controls, got ${JSON.stringify(controls)}`);
        }
        return controls.join(', ');
      },
    },
    {
      name: STEP.startAuthorization,
      needs: [STEP.login, STEP.registerGateway],
      timeoutMs,
      async run() {
        const { page } = theActor();
        const up = theUpstream();
        idpMark = idp.log().length;
        // The callback URL as the IdP sends it (a page may strip code and state from the address bar later).
        const onRequest = (request: Request): void => {
          if (callbackUrl || !request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
          if (request.url().startsWith(target.redirectUri)) callbackUrl = new URL(request.url());
        };
        page.on('request', onRequest);
        stopWatchingCallback = () => void page.off('request', onRequest);
        await target.startAuthorization(page, up.gateway);
        await page.waitForURL((url) => url.href.startsWith(idp.issuer) || url.href.startsWith(target.redirectUri));
        const asked = idp.log().slice(idpMark).filter((e) => e.kind === 'authorize');
        const ours = asked.find((e) => e.clientId === up.clientId);
        if (!ours) {
          const others = asked.map((e) => e.clientId ?? 'no client_id').join(', ');
          throw new Error(`the IdP was never asked to authorize the registered client ${up.clientId}${others ? ` (asked for: ${others})` : ''}`);
        }
        if (ours.status >= 400) throw new Error(`the IdP refused the authorization request: ${ours.outcome}`);
        if (callbackUrl?.searchParams.has('error')) throw new Error(`the IdP sent the browser back with error=${callbackUrl.searchParams.get('error')}: ${ours.outcome}`);
        return `the IdP received the authorization request for ${up.clientId}`;
      },
    },
    {
      name: STEP.idp,
      needs: [STEP.startAuthorization],
      timeoutMs,
      async run() {
        const { page } = theActor();
        // A fresh browser context has no IdP session: the sign-in and consent pages are both expected.
        if (!isOnIdp(page, idp.issuer)) return 'the IdP sent the browser straight back';
        const walk = await signInAndConsent(page, aliceAtIdp);
        return `walked ${[walk.signIn ? 'sign-in' : '', walk.consent ? 'consent' : ''].filter(Boolean).join(' and ') || 'no page'}`;
      },
    },
    {
      name: STEP.callback,
      needs: [STEP.idp],
      timeoutMs,
      async run(signal) {
        const { page } = theActor();
        const up = theUpstream();
        try {
          await page.waitForURL((url) => url.href.startsWith(target.redirectUri));
        } finally {
          stopWatchingCallback();
        }
        if (!callbackUrl) throw new Error(`the browser shows ${target.redirectUri} without a navigation to it (Target.redirectUri?)`);
        if (!callbackUrl.searchParams.has('code')) throw new Error(`the IdP sent the browser back without a code: error=${callbackUrl.searchParams.get('error') ?? 'none'}`);
        const exchanges = await pollUntil(
          () => idp.log().slice(idpMark).filter((e) => e.kind === 'token:authorization_code' && e.clientId === up.clientId),
          (list) => list.length > 0,
          harness.responseBoundMs,
          signal,
        );
        const exchange = exchanges.at(-1);
        if (!exchange) throw new Error('the callback page loaded, but the gateway never redeemed the code at the IdP token endpoint');
        if (exchange.status !== 200) throw new Error(`the IdP refused the gateway's code exchange: ${exchange.outcome}`);
        return `${callbackUrl.pathname} loaded, the code was redeemed`;
      },
    },
    {
      name: STEP.callbackFetchTools,
      needs: [STEP.callback],
      timeoutMs,
      run: (signal) => fetchTools('callback', signal),
    },
    {
      name: STEP.tableFetchTools,
      needs: [STEP.callback],
      timeoutMs,
      run: (signal) => fetchTools('table', signal),
    },
    {
      name: STEP.listTools,
      // The gateway knows the tools once either Fetch Tools control worked.
      needs: [[STEP.callbackFetchTools, STEP.tableFetchTools]],
      timeoutMs,
      async run(signal) {
        const expected = prepared.mcp.toolNames;
        const listed = await pollUntil(
          () => target.listTools(theUpstream().gateway, alice),
          (names) => Array.isArray(names) && expected.every((n) => names.includes(n)),
          harness.responseBoundMs,
          signal,
        );
        const missing = expected.filter((n) => !listed.includes(n));
        if (missing.length > 0) throw new Error(`listTools returned [${listed.join(', ')}], missing the mock MCP server's ${missing.join(', ')}`);
        return `${listed.length} tool(s), the mock's ${expected.length} among them`;
      },
    },
    {
      name: STEP.authorizationShown,
      optional: true,
      absent: target.authorizationShown === undefined,
      needs: [STEP.callback],
      timeoutMs,
      async run() {
        const readings = (await target.authorizationShown?.(theActor().page, alice, theUpstream().gateway)) ?? [];
        // Whether the state is alice's own, and not bob's, is TOKEN-26's verdict; the adapter's part is reading it.
        if (readings.length === 0) return 'the gateway tells a user nothing of the kind (TOKEN-26 not applicable)';
        const wrong = readings.filter((r) => !r.authorized).map((r) => r.where);
        if (wrong.length > 0) throw new Error(`alice, whose callback completed, is read as not authorized in ${wrong.join(', ')}: is the right element or field read?`);
        return `alice is shown authorized in ${readings.map((r) => r.where).join(', ')}`;
      },
    },
    {
      name: STEP.stateChangingEndpoints,
      optional: true,
      absent: target.stateChangingEndpoints === undefined,
      needs: [STEP.login, STEP.registerGateway],
      timeoutMs,
      async run() {
        const { page } = theActor();
        const endpoints = target.stateChangingEndpoints?.(theUpstream().gateway) ?? [];
        if (endpoints.length === 0) throw new Error('returned no endpoint (leave the method out instead)');
        const methods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
        for (const e of endpoints) {
          if (!methods.has(e.method)) throw new Error(`${e.name}: method ${e.method} is not one of ${[...methods].join(', ')}`);
          if (!URL.canParse(e.url) || new URL(e.url).origin !== target.origin) throw new Error(`${e.name}: ${e.url} is not an absolute URL on ${target.origin}`);
        }
        // ownPageExtras reads a logged-in page of the gateway, as XSITE-12 calls it.
        if (!page.url().startsWith(target.origin)) await page.goto(`${target.origin}${target.adminPagePath}`);
        for (const e of endpoints) {
          const extras = await blame(`${e.name}: ownPageExtras`, () => e.ownPageExtras(page));
          for (const value of [...Object.values(extras.headers), ...Object.values(extras.fields)]) secrets.add(value);
          if (e.effect) await blame(`${e.name}: effect`, async () => void (await e.effect?.()));
        }
        return `${endpoints.length}: ${endpoints.map((e) => `${e.method} ${e.name}`).join('; ')}`;
      },
    },
    {
      name: STEP.disconnectUpstream,
      optional: true,
      absent: target.disconnectUpstream === undefined,
      needs: [STEP.callback],
      timeoutMs,
      async run() {
        const { page } = theActor();
        const writes = watchGatewayWrites(page, target.origin);
        try {
          await target.disconnectUpstream?.(page, theUpstream().gateway);
        } finally {
          writes.stop();
        }
        // Whether the gateway then revokes is TOKEN-10's verdict; the adapter's part is pressing the real control.
        const sent = writes.sent();
        if (sent.length === 0) throw new Error('resolved, but the page sent no state-changing request to the gateway: was a control pressed?');
        return `sent ${sent.join(', ')}`;
      },
    },
    {
      name: STEP.signOut,
      optional: true,
      absent: target.signOut === undefined,
      needs: [STEP.login],
      timeoutMs,
      async run() {
        const a = theActor();
        const before = await a.sessionCookieValue();
        await target.signOut?.(a.page);
        // Whether the gateway ends the session server-side is SESSION-09's verdict; a real sign-out always changes the browser's cookie.
        const after = await a.sessionCookieValue();
        if (after !== undefined && after === before) throw new Error(`resolved, but the browser still holds the same "${target.sessionCookieName}" cookie: was the sign-out control pressed?`);
        if (after) secrets.add(after);
        return after === undefined ? 'the session cookie is gone' : 'the session cookie was replaced';
      },
    },
    {
      // Last: it points the upstream every other step used at another server.
      name: STEP.repointUpstream,
      optional: true,
      absent: target.repointUpstream === undefined,
      needs: [STEP.registerGateway],
      timeoutMs,
      async run() {
        const successor = await startMcpBehind(harness, idp);
        try {
          await target.repointUpstream?.(theUpstream().gateway, { mcpUrl: successor.url, resource: successor.url });
          // Whether the users' grants end with the edit is TOKEN-25's verdict; the adapter's part is the accepted edit.
          return `the gateway accepted the edit to ${successor.url}`;
        } finally {
          await successor.close();
        }
      },
    },
    {
      // After the edit: the registration every other step used is deleted.
      name: STEP.removeUpstream,
      optional: true,
      absent: target.removeUpstream === undefined,
      needs: [STEP.registerGateway],
      timeoutMs,
      async run() {
        await target.removeUpstream?.(theUpstream().gateway);
        // Whether its grants end with it is TOKEN-25's verdict; the adapter's part is the accepted deletion.
        return `the gateway accepted the deletion of ${theUpstream().gateway.id}`;
      },
    },
  ];
}
