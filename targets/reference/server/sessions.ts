/**
 * Gateway users, browser sessions (cookie `gw_session`) and API bearer tokens, all in memory.
 * Session ids and API tokens come from separate maps, so one can never be used as the other.
 */
import { randomToken, secretsEqual } from './crypto.js';
import type { FaultFlags } from './faults.js';

export interface GatewayAccount {
  login: string;
  password: string;
}

export interface Session {
  id: string;
  user: string;
  /** Per-session anti-CSRF token: the fallback proof for requests without Origin or Sec-Fetch-Site. */
  csrfToken: string;
  createdAt: number;
}

export const SESSION_COOKIE_NAME = 'gw_session';

export class AccountStore {
  readonly #accounts: readonly GatewayAccount[];
  readonly #faults: FaultFlags;

  constructor(accounts: readonly GatewayAccount[], faults: FaultFlags) {
    this.#accounts = accounts;
    this.#faults = faults;
  }

  /**
   * The login name when the password is that account's own, compared in full, else null (SESSION-14). Every
   * account is compared, so timing says nothing about which one exists.
   */
  verify(login: string, password: string): string | null {
    let found: string | null = null;
    // BUG (password-of-any-account-accepted): the password is checked against every account, not the named one's.
    const anyAccountsPassword = this.#faults['password-of-any-account-accepted'] && this.#accounts.some((account) => secretsEqual(account.password, password));
    for (const account of this.#accounts) {
      const loginOk = secretsEqual(account.login, login);
      // BUG (password-compared-as-prefix): only as many characters as were typed are compared, so an empty
      // password or any beginning of the real one signs in.
      // BUG (password-compared-ignoring-case): both sides are lower-cased first ("users mistype the Caps Lock").
      // BUG (password-compared-up-to-its-length): the typed password is cut to the stored one's length first (a
      // fixed-width field, as bcrypt cuts at 72 bytes), so anything appended to the right password is ignored.
      const passwordOk = this.#faults['password-compared-as-prefix']
        ? secretsEqual(account.password.slice(0, password.length), password)
        : this.#faults['password-of-any-account-accepted']
          ? anyAccountsPassword
          : this.#faults['password-compared-ignoring-case']
            ? secretsEqual(account.password.toLowerCase(), password.toLowerCase())
            : this.#faults['password-compared-up-to-its-length']
              ? secretsEqual(account.password, password.slice(0, account.password.length))
              : secretsEqual(account.password, password);
      if (loginOk && passwordOk) found = account.login;
    }
    return found;
  }

  /** The login name when an account has it, with no password looked at: only a fault mode asks this. */
  named(login: string): string | null {
    return this.#accounts.find((account) => secretsEqual(account.login, login))?.login ?? null;
  }
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  /** A new session under a new random id; `id` is only ever given by a fault mode (session-fixation, session-id-predictable). */
  create(user: string, id: string = randomToken()): Session {
    const session: Session = { id, user, csrfToken: randomToken(), createdAt: Date.now() };
    this.#sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.#sessions.get(id);
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Whether any live session holds this anti-CSRF token: only the csrf-token-any-session fault mode asks. */
  holdsCsrfToken(token: string): boolean {
    return [...this.#sessions.values()].some((s) => s.csrfToken === token);
  }
}

export class ApiTokenStore {
  readonly #tokens = new Map<string, string>();

  issue(user: string): string {
    const token = randomToken();
    this.#tokens.set(token, user);
    return token;
  }

  /** The user the token belongs to, or undefined for an unknown token. */
  userOf(token: string): string | undefined {
    return this.#tokens.get(token);
  }
}
