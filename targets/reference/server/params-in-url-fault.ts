/**
 * Faults token-request-params-in-url and revocation-params-in-url: a request helper whose parameters option writes
 * them into the URL's query (axios' `params` where `data` was meant), and the body is sent as well, so every IdP still
 * answers. The code, the verifier, the refresh token or the token being revoked then sit in every access log on the way.
 */
export function urlCarrying(url: string, parameters: URLSearchParams): string {
  const carrying = new URL(url);
  for (const [name, value] of parameters) carrying.searchParams.append(name, value);
  return carrying.href;
}
