/**
 * Reading a Cookie request header, for the servers written here (the reference gateway, the mock IdP) and for
 * specs that name the cookies a browser sent.
 * The first value of a name wins: a cookie planted later under the same name (a sibling's Domain cookie)
 * cannot shadow the one the server set.
 */
export function parseCookieHeader(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}
