/**
 * Two ways a gateway's token requests follow the IdP's redirect (TOKEN-21). A token request carries what only the
 * IdP may see: the authorization code with its PKCE verifier, or the refresh token, and the client's credentials.
 * A 307 or 308 keeps the method and the body, so whatever follows one sends them to the redirect's target.
 */

import type { FetchFunction } from './redirect-fault.js';

/** How a token request answers a redirect: refused (the correct gateway: fetch's `redirect: 'error'`) or followed. */
export type TokenRedirects = 'refused' | 'followed' | 'reauthenticated';

export interface TokenPost {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** Redirect statuses a hand-written follower goes by. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 5;

/**
 * BUG (code-exchange-redirect-followed): the code exchange leaves redirects to the HTTP client's default, which for
 * fetch is to follow: a 307 to another origin gets the same body there (code, verifier, redirect_uri, resource);
 * fetch drops only the Authorization header, so the client secret stays behind and the code and verifier do not.
 *
 * BUG (refresh-redirect-reauthenticated): the refresh goes through a helper that adds the client's Basic credentials
 * to every request it sends and follows a redirect by sending to the Location through itself again: every hop, to
 * any origin, carries the refresh token (the body) and the client secret (added anew).
 */
export async function postToTokenEndpoint(url: string, post: TokenPost, redirects: TokenRedirects, authorization: string, fetch: FetchFunction = globalThis.fetch): Promise<Response> {
  const headers = { ...post.headers, Authorization: authorization };
  if (redirects !== 'reauthenticated') {
    return fetch(url, { method: 'POST', headers, body: post.body, redirect: redirects === 'followed' ? 'follow' : 'error', signal: post.signal });
  }
  let target = url;
  for (let hop = 0; ; hop++) {
    const response = await fetch(target, { method: 'POST', headers, body: post.body, redirect: 'manual', signal: post.signal });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null || hop === MAX_HOPS) return response;
    target = new URL(location, target).href;
  }
}
