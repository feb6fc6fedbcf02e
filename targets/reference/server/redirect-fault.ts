/**
 * Two ways a gateway's MCP client carries the delegated token across an MCP server's redirect to another origin
 * (TOKEN-18). The correct path leaves redirects to the SDK transport, whose default follows one only within the
 * origin, and below it to fetch, which drops Authorization on any change of origin (the Fetch standard).
 */

const MAX_HOPS = 5;

export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The next URL of a redirect worth following, or null for any other answer. */
async function nextHop(response: Response, from: URL, hops: number): Promise<URL | null> {
  const location = response.headers.get('location');
  if (!isRedirect(response.status) || location === null || hops >= MAX_HOPS) return null;
  await response.body?.cancel();
  return new URL(location, from);
}

/**
 * BUG (upstream-redirect-keeps-token): redirects are followed by hand (so that a POST keeps its method and body on
 * 301/302 too, which fetch would turn into a GET), every header copied to the next hop unless the host name changed,
 * on the reasoning that "the same host is the same server". Another port or scheme of the same host is another
 * origin: the token goes with it (curl CVE-2022-27776's class).
 */
export async function fetchKeepingHeadersOnSameHost(input: string | URL, init: RequestInit = {}): Promise<Response> {
  let url = new URL(input);
  let headers = new Headers(init.headers);
  for (let hops = 0; ; hops += 1) {
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    const next = await nextHop(response, url, hops);
    if (next === null) return response;
    headers = new Headers(headers);
    if (next.hostname !== url.hostname) headers.delete('authorization');
    url = next;
  }
}

/**
 * BUG (upstream-redirect-reauthorized): redirects are followed by calling the request function again for the
 * Location, and that function is the wrapper that adds the Authorization header: every hop, to whatever origin,
 * gets the token added anew (the credential-injecting fetch wrapper a review of the MCP TypeScript SDK's redirect
 * handling flagged, typescript-sdk #2465).
 */
export function followingEachHopThrough(authorized: FetchFunction): FetchFunction {
  return async (input, init = {}) => {
    let url = new URL(input);
    for (let hops = 0; ; hops += 1) {
      const response = await authorized(url, { ...init, redirect: 'manual' });
      const next = await nextHop(response, url, hops);
      if (next === null) return response;
      url = next;
    }
  };
}
