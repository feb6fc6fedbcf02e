/**
 * Checks a certification bundle: the archive reads, manifest.json is well-formed, manifest.sig is a valid
 * Ed25519 signature over it by the bundled key — or by a key the caller pins, which is what makes the check
 * mean "this vendor signed it" —, every listed file is present with its SHA-256 and size, no file is
 * unlisted, and the bundled conformance.json agrees with the manifest's verdict. Every problem is listed,
 * not just the first, so a reader sees at once what was changed.
 */
import type { KeyObject } from 'node:crypto';
import { readArchive } from './archive.js';
import { MANIFEST_PATH, PUBLIC_KEY_PATH, REPORT_PREFIX, SIGNATURE_PATH, parseManifest, sha256Hex, type BundleFile, type Manifest } from './manifest.js';
import { loadPublicKey, publicKeyFingerprint, verifyBytes } from './sign.js';
import { parseReportFile } from '../reporting/report-file.js';

export interface VerifyResult {
  problems: string[];
  manifest?: Manifest;
  /** SHA-256 of the key the signature was checked against. */
  keyFingerprint?: string;
}

export interface VerifyOptions {
  /** A pinned public key (PEM): the signature must be by this key, whatever key the bundle carries. */
  publicKeyPem?: string;
}

export async function verifyBundle(archive: Uint8Array, options: VerifyOptions = {}): Promise<VerifyResult> {
  let files: BundleFile[];
  try {
    files = await readArchive(archive);
  } catch (error) {
    return { problems: [`the bundle is not a readable zip archive (${error instanceof Error ? error.message : String(error)})`] };
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const problems: string[] = [];
  const manifestFile = byPath.get(MANIFEST_PATH);
  const signatureFile = byPath.get(SIGNATURE_PATH);
  if (!manifestFile) problems.push(`${MANIFEST_PATH} is missing`);
  if (!signatureFile) problems.push(`${SIGNATURE_PATH} is missing`);

  let key: KeyObject | undefined;
  const bundledKey = byPath.get(PUBLIC_KEY_PATH);
  try {
    if (options.publicKeyPem !== undefined) key = loadPublicKey(options.publicKeyPem);
    else if (bundledKey) key = loadPublicKey(Buffer.from(bundledKey.bytes).toString('utf8'));
    else problems.push(`${PUBLIC_KEY_PATH} is missing and no --public-key was given`);
  } catch (error) {
    problems.push(`${options.publicKeyPem !== undefined ? '--public-key' : PUBLIC_KEY_PATH}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const keyFingerprint = key ? publicKeyFingerprint(key) : undefined;

  if (manifestFile && signatureFile && key && !verifyBytes(manifestFile.bytes, Buffer.from(signatureFile.bytes).toString('utf8'), key)) {
    problems.push(
      options.publicKeyPem !== undefined
        ? `${SIGNATURE_PATH} is not a valid signature of ${MANIFEST_PATH} by the pinned key (sha256 ${keyFingerprint})`
        : `${SIGNATURE_PATH} is not a valid signature of ${MANIFEST_PATH} by the bundled key`,
    );
  }
  if (!manifestFile) return { problems, ...(keyFingerprint ? { keyFingerprint } : {}) };

  let manifest: Manifest;
  try {
    manifest = parseManifest(manifestFile.bytes);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return { problems, ...(keyFingerprint ? { keyFingerprint } : {}) };
  }
  if (keyFingerprint && manifest.publicKeySha256 !== keyFingerprint) {
    problems.push(`the manifest names signer key sha256 ${manifest.publicKeySha256}, but the key checked is sha256 ${keyFingerprint}`);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const entry of manifest.files) {
    const file = byPath.get(entry.path);
    if (!file) {
      problems.push(`${entry.path} is listed in the manifest but missing`);
      continue;
    }
    if (file.bytes.length !== entry.bytes) problems.push(`${entry.path}: ${file.bytes.length} bytes, the manifest says ${entry.bytes}`);
    else if (sha256Hex(file.bytes) !== entry.sha256) problems.push(`${entry.path}: SHA-256 differs from the manifest`);
  }
  for (const file of files) {
    if (file.path !== MANIFEST_PATH && file.path !== SIGNATURE_PATH && !listed.has(file.path)) problems.push(`${file.path} is in the bundle but not in the manifest`);
  }
  if (!listed.has(PUBLIC_KEY_PATH)) problems.push(`${PUBLIC_KEY_PATH} is not covered by the manifest`);

  const reportFile = byPath.get(`${REPORT_PREFIX}conformance.json`);
  if (!reportFile) problems.push(`${REPORT_PREFIX}conformance.json is missing`);
  else {
    try {
      const report = parseReportFile(Buffer.from(reportFile.bytes).toString('utf8'), `${REPORT_PREFIX}conformance.json`);
      if (report.verdict !== manifest.verdict) problems.push(`the report's verdict is ${report.verdict}, the manifest says ${manifest.verdict}`);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { problems, manifest, ...(keyFingerprint ? { keyFingerprint } : {}) };
}
