import { createHash, timingSafeEqual } from 'node:crypto';
import type { IdpClient, IdpUser } from './types.js';
import { idpClientSchema, idpUserSchema } from './schemas.js';
import { ledgerSecret } from '../fixtures/secret-ledger.js';


/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The users who can sign in and the clients (gateways) allowed to ask for codes and tokens. */
export class Registry {
  readonly #users = new Map<string, IdpUser>();
  readonly #clients = new Map<string, IdpClient>();

  constructor(users: IdpUser[]) {
    for (const user of users) {
      ledgerSecret('idp-password', user.password);
      this.#users.set(user.username, idpUserSchema.parse(user));
    }
  }

  /** Registering an existing clientId replaces it (a spec may change redirect URIs between tests). */
  registerClient(client: IdpClient): void {
    const parsed = idpClientSchema.parse(client);
    ledgerSecret('client-secret', parsed.clientSecret);
    this.#clients.set(parsed.clientId, { ...parsed, redirectUris: [...parsed.redirectUris] });
  }

  client(clientId: string): IdpClient | undefined {
    return this.#clients.get(clientId);
  }

  /** RFC 6749 §3.1.2.3 / OAuth 2.1: exact string comparison, no prefix or pattern matching. */
  isRegisteredRedirectUri(client: IdpClient, redirectUri: string): boolean {
    return client.redirectUris.includes(redirectUri);
  }

  /** The user when the password is right, else undefined (an unknown user and a wrong password look alike). */
  authenticateUser(username: string, password: string): IdpUser | undefined {
    const user = this.#users.get(username);
    if (user === undefined) {
      secretsEqual(password, password); // same work either way: no user enumeration by timing
      return undefined;
    }
    return secretsEqual(user.password, password) ? user : undefined;
  }

  hasUser(username: string): boolean {
    return this.#users.has(username);
  }
}

export function clientDisplayName(client: IdpClient): string {
  return client.name ?? client.clientId;
}
