/**
 * The suite CA: one certificate authority per run, made by the command before Playwright starts
 * (cli/run-playwright.ts) and trusted by every target, so a test can present a certificate a target does trust and
 * see what the target checks beyond the chain (TOKEN-28: that it names the host the target connected to).
 *
 * How a target is told to trust it is the target's own business: Node reads `NODE_EXTRA_CA_CERTS` (the reference,
 * which runs inside the Playwright worker, inherits it from the runner; Node targets' processes are given it), Python's
 * ssl and httpx read `SSL_CERT_FILE`. Both point at one bundle: the CAs the machine already trusted plus the suite CA,
 * so trusting it takes nothing away.
 *
 * Its key signs leaves during the run, so it stays on disk for the run only, in a folder only we can read, removed
 * when the run ends; the CA is valid for a day and trusted by nothing outside this run's processes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCertificateAuthority, type CertificateAuthorityFiles } from './certificates.js';

/** The folder holding the run's suite CA: `ca.crt`, `ca.key`, `trust-bundle.pem`. */
export const SUITE_CA_DIR_ENV = 'CONFORMANCE_SUITE_CA_DIR';

const TRUST_BUNDLE = 'trust-bundle.pem';
/** Debian's bundle of the machine's CAs, when nothing names another. */
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface SuiteCa extends CertificateAuthorityFiles {
  /** The machine's CAs and the suite CA, PEM: what NODE_EXTRA_CA_CERTS and SSL_CERT_FILE name. */
  trustBundlePath: string;
}

/** The PEM files whose CAs this process was told to trust (SSL_CERT_FILE or Debian's bundle, NODE_EXTRA_CA_CERTS). */
function alreadyTrusted(env: NodeJS.ProcessEnv): string[] {
  const files = [env['SSL_CERT_FILE'] ?? SYSTEM_BUNDLE, env['NODE_EXTRA_CA_CERTS']].filter((f): f is string => f !== undefined && f !== '');
  return [...new Set(files)].filter((f) => existsSync(f));
}

/** Makes the suite CA in a new private folder under the system's temporary folder. */
export async function makeSuiteCa(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; ca: SuiteCa; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mcp-conformance-ca-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await chmod(dir, 0o700);
    const ca = await makeCertificateAuthority(dir, 'MCP conformance suite CA (one run)');
    const trustBundlePath = path.join(dir, TRUST_BUNDLE);
    const bundle = [...alreadyTrusted(env).map((f) => readFileSync(f, 'utf8').trimEnd()), ca.caCertPem.trimEnd()].join('\n');
    await writeFile(trustBundlePath, `${bundle}\n`);
    return { dir, ca: { caCertPath: ca.caCertPath, caKeyPath: ca.caKeyPath, trustBundlePath }, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The environment that hands the suite CA to the Playwright runner: its folder, and Node's trust of it. */
export function suiteCaEnv(dir: string, ca: SuiteCa): Record<string, string> {
  return { [SUITE_CA_DIR_ENV]: dir, NODE_EXTRA_CA_CERTS: ca.trustBundlePath };
}

/** The run's suite CA, or undefined when the run was started without one (a bare `playwright test`). */
export function suiteCaFromEnv(env: NodeJS.ProcessEnv = process.env): SuiteCa | undefined {
  const dir = env[SUITE_CA_DIR_ENV];
  if (dir === undefined || dir === '') return undefined;
  const ca: SuiteCa = {
    caCertPath: path.join(dir, 'ca.crt'),
    caKeyPath: path.join(dir, 'ca.key'),
    trustBundlePath: path.join(dir, TRUST_BUNDLE),
  };
  return Object.values(ca).every((f) => existsSync(f)) ? ca : undefined;
}

/**
 * The variables that make a target process trust the run's suite CA (nothing when the run has none): Node reads
 * NODE_EXTRA_CA_CERTS; OpenSSL (Python's ssl) and httpx read SSL_CERT_FILE. Targets' environments are built from
 * scratch (no stray variable may change a deployment), so each adapter adds these itself.
 */
export function suiteCaTrust(reader: 'node' | 'openssl', env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const ca = suiteCaFromEnv(env);
  if (ca === undefined) return {};
  return reader === 'node' ? { NODE_EXTRA_CA_CERTS: ca.trustBundlePath } : { SSL_CERT_FILE: ca.trustBundlePath };
}
