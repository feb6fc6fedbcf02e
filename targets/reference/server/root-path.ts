/**
 * The gateway's root path as its pages hand it to their scripts. Behind a proxy that serves the gateway
 * under a sub-path (and strips it), a script that calls `/oauth/fetch-tools/…` from the site's root reaches
 * the proxy, not the gateway: every URL the browser is given must carry the root path.
 */
import type { GatewayContext } from './context.js';

export function scriptRoots(ctx: GatewayContext): { root: string; scriptRoot: string } {
  // BUG (root-path-ignored-by-script): the templates were taught the root path, the Fetch Tools script was
  // not: it still calls the API from the site's root (no effect when the gateway is served at the root).
  return { root: ctx.rootPath, scriptRoot: ctx.faults['root-path-ignored-by-script'] ? '' : ctx.rootPath };
}
