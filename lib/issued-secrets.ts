/**
 * Every secret the mocks and the reference gateway issued in this process (tokens, codes, client secrets,
 * passwords, session cookies), remembered where they are issued (fixtures/secret-ledger.ts), so that the log
 * redaction (lib/log-redaction.ts) scrubs them whatever shape a gateway logs them in: a refresh token that is
 * neither a JWT nor written as `refresh_token=…` is still caught. In memory only, for this process's lifetime.
 */
const issued = new Set<string>();

export function rememberIssued(value: string): void {
  issued.add(value);
}

export function issuedSecrets(): ReadonlySet<string> {
  return issued;
}
