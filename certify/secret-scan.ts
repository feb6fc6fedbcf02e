/**
 * The last look before anything is signed: no secret in the clear in any file of the bundle. A run's
 * artifacts were already rewritten by the redaction pass (reporting/redact-artifacts.ts), and that pass is
 * idempotent, so the scan asks the same rules again: a text in which the rules still find a secret in a
 * structured place (harvestSecrets), or that the pattern rules (redactArtifactText, lib/secrets.ts
 * redactText: bearer tokens, JWTs, token fields) would still rewrite, holds something in the clear.
 * Zips are unpacked, and the HTML report's embedded data zip is decoded, as the redaction pass does.
 * Findings name the file and show the surrounding text as the redaction would write it, never the secret.
 */
import JSZip from 'jszip';
import { harvestSecrets, redactArtifactText } from '../reporting/redact-artifacts.js';
import { hashSecret, redactText } from '../lib/secrets.js';
import type { BundleFile } from './manifest.js';

/** Images, video and fonts hold no text to scan (the redaction pass leaves them alone too). */
const BINARY = /\.(png|jpe?g|gif|webp|webm|mp4|ico|woff2?|ttf)$/i;
/** Playwright's trace-viewer app under the HTML report: static code, not written by a run (not redacted either). */
const STATIC_APP = /(^|\/)html\/trace\//;
/** Playwright's HTML report keeps its data as a base64 zip inside index.html; the app code around it is static. */
const EMBEDDED_REPORT = /<template id="playwrightReportBase64">data:application\/zip;base64,([A-Za-z0-9+/=\s]*)<\/template>/;

function asText(bytes: Uint8Array): string | null {
  const text = Buffer.from(bytes).toString('utf8');
  return text.includes('\uFFFD') || text.includes('\u0000') ? null : text;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b;
}

/** Every text a file holds, as [where, text]: zips unpacked (nested too), the HTML report's data decoded. */
async function texts(where: string, bytes: Uint8Array): Promise<[string, string][]> {
  if (isZip(bytes)) {
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(bytes);
    } catch {
      return [];
    }
    const out: [string, string][] = [];
    for (const entry of Object.values(zip.files)) {
      if (!entry.dir && !BINARY.test(entry.name)) out.push(...(await texts(`${where}!${entry.name}`, await entry.async('uint8array'))));
    }
    return out;
  }
  const text = asText(bytes);
  if (text === null) return [];
  const embedded = EMBEDDED_REPORT.exec(text);
  if (embedded) return texts(`${where}#embedded-report`, Buffer.from((embedded[1] ?? '').replace(/\s+/g, ''), 'base64'));
  return [[where, text]];
}

/** The text around the first place where `redacted` differs from `text`, in its redacted form. */
function around(text: string, redacted: string): string {
  let i = 0;
  while (i < text.length && text[i] === redacted[i]) i++;
  return redacted.slice(Math.max(0, i - 40), i + 40).replace(/\s+/g, ' ');
}

/**
 * The hash form (`sha256:` + hex, lib/secrets.ts) is what redaction writes; some rules hash whatever an
 * Authorization header or a fill holds, the hash form too, which is not a leak. So a rule's output and the
 * text are compared with every hash form replaced by one marker: only a value that was not yet hashed
 * makes them differ.
 */
const HASH_FORM = /sha256:[0-9a-f]{16,64}/g;
const normalized = (text: string): string => text.replace(HASH_FORM, 'sha256:…');

/** One finding per file and rule at most (the first place), so a leaky file makes a short list. */
export function scanText(where: string, text: string): string[] {
  const findings: string[] = [];
  const harvested = new Set<string>();
  harvestSecrets(text, harvested);
  const clear = [...harvested].filter((v) => !v.startsWith('sha256:'));
  if (clear.length > 0) findings.push(`${where}: ${clear.length} secret value(s) in the clear in structured fields (first: ${hashSecret(clear[0] ?? '')})`);
  const before = normalized(text);
  const byPattern = normalized(redactArtifactText(text));
  if (byPattern !== before) findings.push(`${where}: secret-shaped text in the clear: …${around(before, byPattern)}…`);
  const byTokenShape = normalized(redactText(text));
  if (byTokenShape !== before) findings.push(`${where}: token-shaped text in the clear: …${around(before, byTokenShape)}…`);
  return findings;
}

/** Scans every file of a bundle; returns one line per finding, empty when the bundle is clean. */
export async function findSecrets(files: readonly BundleFile[]): Promise<string[]> {
  const findings: string[] = [];
  for (const file of files) {
    if (BINARY.test(file.path) || STATIC_APP.test(file.path)) continue;
    for (const [where, text] of await texts(file.path, file.bytes)) findings.push(...scanText(where, text));
  }
  return findings;
}
