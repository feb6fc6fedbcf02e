import { issuedSecrets } from './issued-secrets.js';
import { hashSecret, redactText } from './secrets.js';

/** Query/form parameters whose values a gateway's access log would otherwise print (the callback URL carries code and state). */
const URL_SECRET_PARAMS = ['code', 'state', 'code_verifier', 'client_secret', 'access_token', 'refresh_token', 'id_token', 'token', 'password'];
const URL_PARAM_RE = new RegExp(`([?&](?:${URL_SECRET_PARAMS.join('|')})=)([^&\\s"'\\\\]+)`, 'g');

/**
 * One line of a gateway's log made safe to keep: the run's known secrets and every secret issued in this process
 * (lib/issued-secrets.ts), bearer tokens and JWTs (via
 * lib/secrets redactText) and secret-valued URL parameters become their `sha256:` form.
 */
export function redactLogLine(line: string, knownSecrets: Iterable<string>): string {
  return redactText(line, [...knownSecrets, ...issuedSecrets()]).replace(URL_PARAM_RE, (_m, prefix: string, value: string) =>
    value.startsWith('sha256:') ? `${prefix}${value}` : `${prefix}${hashSecret(decodeURIComponentSafe(value))}`,
  );
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
