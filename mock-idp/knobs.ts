import type { IdpKnobs } from './types.js';
import { knobsPatchSchema } from './schemas.js';

export const DEFAULT_KNOBS: Readonly<IdpKnobs> = Object.freeze({
  accessTokenTtlSeconds: 3600,
  advertisedExpiresInSeconds: null,
  omitExpiresIn: false,
  refreshFails: false,
  refreshUnavailable: false,
  refreshProxyError: false,
  issueRefreshTokens: true,
  codeExchangeFails: false,
  codeExchangeOmitsAccessToken: false,
  metadataIssuer: null,
  metadataOmitsPkce: false,
  metadataAuthorizationEndpoint: null,
  metadataTokenEndpoint: null,
  refreshRotation: true,
  authorizeError: null,
  opaqueTokens: false,
  tokenEndpointRedirect: null,
  lenient: false,
  refreshBarrier: null,
  codeExchangeBarrier: null,
});

/** The fault knobs currently in force. `set` merges (validated), `reset` returns to the defaults. */
export class Knobs {
  #current: IdpKnobs = { ...DEFAULT_KNOBS };

  get current(): Readonly<IdpKnobs> {
    return this.#current;
  }

  set(patch: Partial<IdpKnobs>): void {
    const parsed = knobsPatchSchema.parse(patch);
    const defined = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
    this.#current = { ...this.#current, ...defined };
  }

  reset(): void {
    this.#current = { ...DEFAULT_KNOBS };
  }
}
