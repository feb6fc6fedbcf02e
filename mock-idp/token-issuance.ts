import { randomUUID } from 'node:crypto';
import type { IdpContext } from './context.js';
import { nowSeconds } from './context.js';
import { randomSecret, REFRESH_TOKEN_LIFETIME_SECONDS, type Grant } from './grant-store.js';

/** id_tokens keep a fixed lifetime: the TTL knob is about access tokens only. */
const ID_TOKEN_LIFETIME_SECONDS = 3600;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Absent only under the omitExpiresIn knob. */
  expires_in?: number;
  /** Absent only from a refresh response of a non-rotating IdP (knob refreshRotation false). */
  refresh_token?: string;
  scope: string;
  id_token?: string;
}

function isoFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/**
 * Mints one access token (JWT signed by the library, or opaque per knob), one fresh refresh token and,
 * when `openid` was asked for, an id_token; records each as an `IssuedToken`.
 */
export async function issueTokens(
  ctx: IdpContext,
  grant: Grant,
  accessScope: string,
  options: { includeNonce: boolean; newRefreshToken?: boolean },
): Promise<TokenResponse> {
  const { accessTokenTtlSeconds: ttl, opaqueTokens, advertisedExpiresInSeconds, omitExpiresIn } = ctx.knobs.current;
  const iat = nowSeconds();
  const exp = iat + ttl;
  const jti = randomUUID();
  const common = { sub: grant.user.sub, user: grant.user.username, clientId: grant.clientId, audience: grant.resource ?? '' };

  const accessToken = opaqueTokens
    ? randomSecret()
    : await ctx.library.sign({
        sub: grant.user.sub,
        // RFC 8707: the token is for the requested resource; no resource requested, no audience claimed.
        ...(grant.resource === undefined ? {} : { aud: grant.resource }),
        azp: grant.clientId,
        client_id: grant.clientId,
        scope: accessScope,
        iat,
        exp,
        jti,
      });
  ctx.grants.recordToken(
    accessToken,
    { kind: 'access', jti, ...common, scope: accessScope, issuedAt: isoFromSeconds(iat), expiresAt: isoFromSeconds(exp) },
    grant,
    exp,
  );

  const refreshToken = options.newRefreshToken === false ? undefined : randomSecret();
  const refreshExp = iat + REFRESH_TOKEN_LIFETIME_SECONDS;
  if (refreshToken !== undefined) {
    ctx.grants.recordToken(
      refreshToken,
      {
        kind: 'refresh',
        jti: randomUUID(),
        ...common,
        scope: grant.scope,
        issuedAt: isoFromSeconds(iat),
        expiresAt: isoFromSeconds(refreshExp),
      },
      grant,
      refreshExp,
    );
  }

  const response: TokenResponse = {
    access_token: accessToken,
    token_type: 'Bearer',
    ...(omitExpiresIn ? {} : { expires_in: advertisedExpiresInSeconds ?? ttl }),
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    scope: accessScope,
  };
  if (accessScope.split(' ').includes('openid')) {
    const idExp = iat + ID_TOKEN_LIFETIME_SECONDS;
    const idJti = randomUUID();
    response.id_token = await ctx.library.sign({
      sub: grant.user.sub,
      aud: grant.clientId,
      azp: grant.clientId,
      auth_time: grant.authTimeSec,
      iat,
      exp: idExp,
      jti: idJti,
      // OIDC Core §12.2: an id_token from a refresh carries no nonce.
      ...(options.includeNonce && grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    });
    // Recorded like the others, so leak scans and upstream checks know it (an id_token is no access token).
    ctx.grants.recordToken(
      response.id_token,
      { kind: 'id', jti: idJti, ...common, audience: grant.clientId, scope: accessScope, issuedAt: isoFromSeconds(iat), expiresAt: isoFromSeconds(idExp) },
      grant,
      idExp,
    );
  }
  return response;
}
