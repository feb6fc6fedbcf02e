/**
 * BUG (upstream-call-blocks-server): the gateway serves one request at a time while it talks to an MCP server, as a
 * single-worker server does when its upstream call blocks (a synchronous HTTP client inside an async handler): every
 * request that arrives meanwhile waits until the upstream call has ended. A stuck MCP server then stops the whole
 * gateway for everyone until the gateway's timeout. Fault-only: the correct gateway never waits here.
 */
import type { RequestHandler } from 'express';
import type { GatewayContext } from './context.js';

const inFlight = new WeakMap<GatewayContext, Set<Promise<unknown>>>();

/** Marks `work` as an upstream call every other request must wait for; resolves as `work` does. */
export function blockWhile<T>(ctx: GatewayContext, work: Promise<T>): Promise<T> {
  const calls = inFlight.get(ctx) ?? new Set<Promise<unknown>>();
  inFlight.set(ctx, calls);
  calls.add(work);
  return work.finally(() => calls.delete(work));
}

/** First middleware under the fault: a request waits until no upstream call is in flight. */
export function waitForUpstreamCalls(ctx: GatewayContext): RequestHandler {
  return (_req, _res, next) => {
    const calls = inFlight.get(ctx);
    if (calls === undefined || calls.size === 0) return next();
    void Promise.allSettled([...calls]).then(() => next());
  };
}
