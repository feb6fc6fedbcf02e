/**
 * The IdP's RS256 signing key. Generating a 2048-bit RSA key costs 0.1–0.5 s of CPU on an idle machine
 * (seconds under load), once per IdP; a run starts one IdP per Playwright worker. So the command
 * generates one key per run and hands it to its workers in the environment (CONFORMANCE_IDP_SIGNING_KEY,
 * a private JWK; it lives only as long as the run's processes, like every other per-run secret).
 * An IdP started without it (unit tests, a worker started by hand) generates its own.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { z } from 'zod';

export const IDP_SIGNING_KEY_ENV = 'CONFORMANCE_IDP_SIGNING_KEY';

/** A private RSA JWK, as oauth2-mock-server's key store takes it. */
export const signingKeySchema = z.looseObject({
  kty: z.literal('RSA'),
  alg: z.literal('RS256'),
  kid: z.string().min(1),
  n: z.string().min(1),
  e: z.string().min(1),
  d: z.string().min(1),
});
export type SigningKey = z.infer<typeof signingKeySchema>;

/** A fresh RS256 key pair as a private JWK (generated off the main thread). */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return signingKeySchema.parse({ ...jwk, alg: 'RS256', kid: randomBytes(8).toString('hex') });
}

/** The run's key from the environment, if the command provided one; a malformed value is an error, never ignored. */
export function signingKeyFromEnv(env: NodeJS.ProcessEnv = process.env): SigningKey | undefined {
  const raw = env[IDP_SIGNING_KEY_ENV];
  if (raw === undefined || raw === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${IDP_SIGNING_KEY_ENV} is not JSON`);
  }
  const parsed = signingKeySchema.safeParse(json);
  if (!parsed.success) throw new Error(`${IDP_SIGNING_KEY_ENV} is not a private RS256 JWK`);
  return parsed.data;
}
