/** How the request authenticated, read the same way the SDK's requireBearerAuth reads it. */
export interface PresentedCredential {
  scheme: 'bearer' | 'none' | 'other';
  /** Only for the bearer scheme; callers must hash it before keeping it anywhere. */
  token?: string;
}

export function presentedCredential(authorization: string | undefined): PresentedCredential {
  if (authorization === undefined) return { scheme: 'none' };
  const [scheme = '', token] = authorization.split(' ');
  if (scheme.toLowerCase() !== 'bearer') return { scheme: 'other' };
  return token ? { scheme: 'bearer', token } : { scheme: 'bearer' };
}
