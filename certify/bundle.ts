/**
 * Builds the certification bundle from a finished run: the report files, the configuration used (secrets
 * removed), the signer's public key, manifest.json (SHA-256 of every file) and manifest.sig (Ed25519 over
 * manifest.json). Refuses — and writes nothing — when the run cannot be certified or a bundled file still
 * holds a secret. Pure apart from reading the report folder (collectReportFiles), so it is unit-tested on
 * fixture reports without Playwright.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { refusalReasons } from './eligibility.js';
import { findSecrets } from './secret-scan.js';
import {
  BUNDLE_FORMAT,
  CONFIG_PATH,
  REPORT_PREFIX,
  MANIFEST_PATH,
  PUBLIC_KEY_PATH,
  SIGNATURE_PATH,
  manifestFiles,
  serializeManifest,
  type BundleFile,
  type Manifest,
} from './manifest.js';
import { publicKeyFingerprint, publicKeyPem, signBytes } from './sign.js';
import { writeArchive } from './archive.js';
import { parseReportFile, ReportTargetSchema } from '../reporting/report-file.js';

/** The report files a bundle holds: conformance.json/.md/.html, junit.xml and Playwright's HTML report folder. */
const REPORT_FILES = ['conformance.json', 'conformance.md', 'conformance.html', 'junit.xml'];
const REPORT_FOLDERS = ['html'];

function filesUnder(root: string, rel: string): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) return filesUnder(root, child);
    return e.isFile() ? [child] : [];
  });
}

/** Reads the bundled report files from a run's report folder; a missing one is a refusal reason. */
export function collectReportFiles(reportDir: string): { files: BundleFile[]; missing: string[] } {
  const files: BundleFile[] = [];
  const missing: string[] = [];
  for (const name of REPORT_FILES) {
    try {
      files.push({ path: `${REPORT_PREFIX}${name}`, bytes: readFileSync(path.join(reportDir, name)) });
    } catch {
      missing.push(`${name} is missing from ${reportDir}`);
    }
  }
  for (const folder of REPORT_FOLDERS) {
    let rels: string[];
    try {
      rels = filesUnder(reportDir, folder);
    } catch {
      missing.push(`${folder}/ is missing from ${reportDir}`);
      continue;
    }
    for (const rel of rels) files.push({ path: `${REPORT_PREFIX}${rel}`, bytes: readFileSync(path.join(reportDir, rel)) });
  }
  return { files, missing };
}

export interface BundleInput {
  /** The report files, under REPORT_PREFIX (report/conformance.json must be one of them). */
  reportFiles: readonly BundleFile[];
  /** The configuration used, already without secrets (certify/config-snapshot.ts); scanned again anyway. */
  config: unknown;
  signingKey: KeyObject;
  /** Playwright's exit code: a run whose process failed is never certified, whatever its report says. */
  playwrightExitCode?: number;
  now?: Date;
  /** Reasons found before (files missing from the report folder). */
  knownProblems?: readonly string[];
}

export type BundleResult = { ok: true; archive: Buffer; manifest: Manifest } | { ok: false; reasons: string[] };

export async function buildBundle(input: BundleInput): Promise<BundleResult> {
  const reasons: string[] = [...(input.knownProblems ?? [])];
  const reportJson = input.reportFiles.find((f) => f.path === `${REPORT_PREFIX}conformance.json`);
  if (!reportJson) return { ok: false, reasons: [...reasons, 'conformance.json is not among the report files'] };
  let report;
  try {
    report = parseReportFile(Buffer.from(reportJson.bytes).toString('utf8'));
  } catch (error) {
    return { ok: false, reasons: [...reasons, error instanceof Error ? error.message : String(error)] };
  }
  reasons.push(...refusalReasons(report, input.playwrightExitCode ?? 0));
  if (report.runs.length !== 1) reasons.push(`the report holds ${report.runs.length} runs; a bundle certifies one target run`);
  const target = ReportTargetSchema.safeParse(report.runs[0]?.target);
  if (!target.success) reasons.push('the report names no target (name and version): the target did not start');

  const publicKey = Buffer.from(publicKeyPem(input.signingKey), 'utf8');
  const content: BundleFile[] = [
    ...input.reportFiles,
    { path: CONFIG_PATH, bytes: Buffer.from(`${JSON.stringify(input.config, null, 2)}\n`, 'utf8') },
    { path: PUBLIC_KEY_PATH, bytes: publicKey },
  ];
  reasons.push(...(await findSecrets(content)).map((f) => `secret scan: ${f}`));
  if (reasons.length > 0 || !target.success) return { ok: false, reasons };

  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    createdAt: (input.now ?? new Date()).toISOString(),
    suite: { name: report.suite.name, version: report.suite.version },
    target: { name: target.data.name, version: target.data.version, faultMode: target.data.faultMode ?? null },
    verdict: report.verdict,
    publicKeySha256: publicKeyFingerprint(input.signingKey),
    files: manifestFiles(content),
  };
  const manifestBytes = serializeManifest(manifest);
  const signature = Buffer.from(`${signBytes(manifestBytes, input.signingKey)}\n`, 'utf8');
  const archive = await writeArchive([
    { path: MANIFEST_PATH, bytes: manifestBytes },
    { path: SIGNATURE_PATH, bytes: signature },
    ...content,
  ]);
  return { ok: true, archive, manifest };
}
