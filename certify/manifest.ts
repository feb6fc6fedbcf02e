/**
 * manifest.json: what the bundle is (format, suite, target, verdict) and the SHA-256 of every file in it
 * except the manifest and its signature. Verification reads it back through the same schema.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RUN_VERDICTS } from '../reporting/results.js';

export const BUNDLE_FORMAT = 'mcp-gateway-conformance-bundle/1';
export const MANIFEST_PATH = 'manifest.json';
export const SIGNATURE_PATH = 'manifest.sig';
export const PUBLIC_KEY_PATH = 'public-key.pem';
/** The configuration used, secrets removed (certify/config-snapshot.ts). */
export const CONFIG_PATH = 'config.json';
/** Where the run's report files go: conformance.json/.md, junit.xml, html/. */
export const REPORT_PREFIX = 'report/';

/** Bundle paths: relative, forward slashes, no `..`, nothing hidden a reader would trip over. */
const BundlePath = z
  .string()
  .min(1)
  .max(240)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').some((s) => s === '' || s === '.' || s === '..'), 'not a plain relative path');

export const ManifestSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    createdAt: z.iso.datetime(),
    suite: z.object({ name: z.string().min(1), version: z.string().min(1) }).strict(),
    target: z.object({ name: z.string().min(1), version: z.string().min(1), faultMode: z.string().nullable() }).strict(),
    verdict: z.enum(RUN_VERDICTS),
    /** SHA-256 (hex) of the signer's public key in SPKI DER form. */
    publicKeySha256: z.string().regex(/^[0-9a-f]{64}$/),
    files: z
      .array(z.object({ path: BundlePath, sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() }).strict())
      .min(1)
      .refine((files) => new Set(files.map((f) => f.path)).size === files.length, 'file paths must be unique'),
  })
  .strict();

export type Manifest = z.infer<typeof ManifestSchema>;

/** One file of the bundle, by its path inside the bundle. */
export interface BundleFile {
  path: string;
  bytes: Uint8Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function manifestFiles(files: readonly BundleFile[]): Manifest['files'] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => ({ path: f.path, sha256: sha256Hex(f.bytes), bytes: f.bytes.length }));
}

/** The manifest's bytes as signed: fixed JSON layout, so the same manifest always signs the same way. */
export function serializeManifest(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** Parses manifest bytes; throws one line naming what is wrong. */
export function parseManifest(bytes: Uint8Array): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error(`${MANIFEST_PATH} is not valid JSON`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${MANIFEST_PATH} is invalid: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
