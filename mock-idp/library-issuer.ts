import type { IncomingMessage, ServerResponse } from 'node:http';
import { Events, OAuth2Issuer, OAuth2Service, type MutableResponse, type Payload } from 'oauth2-mock-server';
import { ENDPOINT_PATHS, serverMetadata } from './endpoints.js';
import { ledgerSecret } from '../fixtures/secret-ledger.js';
import { generateSigningKey, type SigningKey } from './signing-key.js';

/** Claims we sign; `iat` and `exp` are ours so the JWT, the token record and introspection agree. */
export type SignedClaims = Record<string, unknown> & { iat: number; exp: number };

/**
 * The parts of oauth2-mock-server we use: its RS256 key store, JWT signing, JWKS and discovery
 * document. Everything it would check permissively (authorize, codes, refresh tokens, client auth)
 * is never routed to it.
 */
export class LibraryIssuer {
  readonly #issuer: OAuth2Issuer;
  readonly #service: OAuth2Service;
  /** Requests handed to the library's discovery handler, with the callback that logs them. */
  readonly #discoveryWaiters = new WeakMap<IncomingMessage, (status: number) => void>();
  /** The discovery document for this issuer URL; the server makes it follow the discovery knobs. */
  documentFor: (issuerUrl: string) => Record<string, unknown> = (issuerUrl) => serverMetadata(issuerUrl);

  private constructor(issuer: OAuth2Issuer) {
    this.#issuer = issuer;
    this.#service = new OAuth2Service(issuer, { wellKnownDocument: ENDPOINT_PATHS.openidConfiguration });
    this.#service.on(Events.BeforeWellKnownOpenIdConfiguration, (response: MutableResponse, req: IncomingMessage) => {
      // The library's document advertises `plain` PKCE, auth method `none`, userinfo and end-session: replace it.
      response.body = this.documentFor(this.url);
      this.#discoveryWaiters.get(req)?.(response.statusCode);
    });
  }

  /** With `signingKey` (the run's shared key, see signing-key.ts) no key is generated here. */
  static async create(signingKey?: SigningKey): Promise<LibraryIssuer> {
    const issuer = new OAuth2Issuer(false); // false: never a trailing slash on the issuer URL
    await issuer.keys.add(signingKey ?? (await generateSigningKey()));
    return new LibraryIssuer(issuer);
  }

  get url(): string {
    const url = this.#issuer.url;
    if (url === undefined) throw new Error('issuer URL is set once the server listens');
    return url;
  }

  set url(value: string) {
    this.#issuer.url = value;
  }

  jwks(): { keys: unknown[] } {
    return { keys: this.#issuer.keys.toJSON() };
  }

  /** Both discovery paths are answered by the library's handler (path rewritten), then logged via `onAnswered`. */
  serveDiscovery(req: IncomingMessage, res: ServerResponse, onAnswered: (status: number) => void): void {
    this.#discoveryWaiters.set(req, onAnswered);
    req.url = ENDPOINT_PATHS.openidConfiguration;
    this.#service.requestHandler(req, res);
  }

  async sign(claims: SignedClaims): Promise<string> {
    const token = await this.#issuer.buildToken({
      scopesOrTransform: (_header, payload: Payload) => {
        // The library's `nbf` (its own iat - 10 s) stays: it tolerates a gateway clock slightly behind ours.
        Object.assign(payload, claims);
      },
    });
    ledgerSecret('idp-jwt', token);
    return token;
  }
}
