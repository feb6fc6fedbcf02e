/**
 * `merge`: one conformance report from the blob reports of a sharded run's shards (`--shard i/n` writes
 * `<report dir>/blob-report/report-*.zip`, playwright.config.ts), as `playwright merge-reports` with the
 * suite's reporters, judged and exiting exactly as the unsharded run would. Before merging it checks
 * what Playwright does not: every blob is this suite's, all come from the same plan and filters, and they
 * are one complete set of shards (a missing shard would otherwise just leave its requirements out).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { CARRIED_RUN_KEY, readCarriedRun, REPORT_DIR_ENV } from '../../config/run-plan.js';
import { judgeReport } from '../conformance.js';
import { BLOB_REPORT_DIR, mergeBlobReports } from '../run-playwright.js';
import { parseCommandArgs, PROGRAM, UsageError, type Command } from './command.js';

/** What one blob says about itself: its shard and the run it belongs to (the carried plan and filters). */
export interface BlobInfo {
  file: string;
  shard: { current: number; total: number } | undefined;
  /** JSON of metadata[CARRIED_RUN_KEY], or undefined when the blob was not written by this suite's config. */
  run: string | undefined;
}

/** Reads the shard and the carried run from a blob's report.jsonl (its first events: metadata, then configure). */
export async function readBlobInfo(file: string): Promise<BlobInfo> {
  let zip;
  try {
    zip = await JSZip.loadAsync(readFileSync(file));
  } catch (error) {
    throw new UsageError(`merge: ${file} is not a zip (${error instanceof Error ? error.message : String(error)})`);
  }
  const jsonl = zip.file('report.jsonl');
  if (!jsonl) throw new UsageError(`merge: ${file} is not a Playwright blob report (no report.jsonl)`);
  const info: BlobInfo = { file, shard: undefined, run: undefined };
  for (const line of (await jsonl.async('string')).split('\n')) {
    if (!line.includes('"onBlobReportMetadata"') && !line.includes('"onConfigure"')) continue;
    const event = JSON.parse(line) as { method: string; params: { shard?: { current: number; total: number }; config?: { metadata?: unknown } } };
    if (event.method === 'onBlobReportMetadata') info.shard = event.params.shard ?? undefined;
    if (event.method === 'onConfigure') {
      const carried = readCarriedRun(event.params.config?.metadata);
      info.run = carried ? JSON.stringify(carried) : undefined;
      break;
    }
  }
  return info;
}

/** Why these blobs are not the shards of one run, one line; undefined when they are. */
export function shardSetProblem(blobs: readonly BlobInfo[]): string | undefined {
  const foreign = blobs.find((b) => b.run === undefined);
  if (foreign) return `${foreign.file} was not written by this suite's run (no ${CARRIED_RUN_KEY} in its metadata)`;
  const other = blobs.find((b) => b.run !== blobs[0]?.run);
  if (other) return `${other.file} comes from another run than ${blobs[0]?.file} (plan or filters differ: --target, --fault, --grep …); merge each run's shards on their own`;
  const unsharded = blobs.find((b) => b.shard === undefined);
  if (unsharded) return blobs.length === 1 ? undefined : `${unsharded.file} is not a shard (no --shard), but ${blobs.length} blobs were given`;
  const total = blobs[0]?.shard?.total ?? 0;
  const odd = blobs.find((b) => b.shard?.total !== total);
  if (odd) return `${odd.file} is shard ${odd.shard?.current} of ${odd.shard?.total}, ${blobs[0]?.file} one of ${total}`;
  for (let i = 1; i <= total; i++) {
    const these = blobs.filter((b) => b.shard?.current === i);
    if (these.length > 1) return `shard ${i} of ${total} given twice: ${these.map((b) => b.file).join(', ')}`;
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !blobs.some((b) => b.shard?.current === i));
  if (missing.length > 0) return `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${total} missing: a merge must hold every shard of the run`;
  return undefined;
}

/** The blob zips a path names: a .zip itself, or every .zip directly in a folder. */
function blobFiles(arg: string): string[] {
  if (!existsSync(arg)) throw new UsageError(`merge: ${arg} does not exist`);
  if (statSync(arg).isFile()) return [arg];
  const zips = readdirSync(arg)
    .filter((f) => f.endsWith('.zip'))
    .sort()
    .map((f) => path.join(arg, f));
  if (zips.length === 0) throw new UsageError(`merge: no blob report (*.zip) in ${arg}`);
  return zips;
}

export function mergeCommand(root: string): Command {
  return {
    name: 'merge',
    summary: 'one conformance report from the blob reports of a sharded run (--shard i/n)',
    help: `Usage: ${PROGRAM} merge <blob dir | blob .zip>...

Each shard of a run (${PROGRAM} run --shard 1/3 …, or npm run conformance -- --shard 1/3 …)
writes its Playwright blob report to <report dir>/${BLOB_REPORT_DIR}/report-*.zip. Collect every shard's
zip (in CI: download each shard's artifact) and name the zips or the folders holding them: this merges
them with the suite's reporters into the run's reports (conformance.*, junit.xml, html/; the blobs are
unpacked in merged-blobs/) in reports/ of the suite's folder or $${REPORT_DIR_ENV}, redacted like a
run's, and judges the result as one unsharded run with the same options: same requirement statuses,
verdict and exit code. The plan and the filters (--target, --fault, --grep …) come from the blobs; each
shard's ENV checks are listed.

Refused (exit 2, one line): a zip that is not a blob report of this suite, blobs of different runs
(plan or filters differ), and a set of shards that is not complete (each of 1..n exactly once).

Exit codes: as "run": 0 conformant (a partial run: what ran passed); 1 a MUST failed, a baseline entry
is stale or differs; 2 invalid environment, inconclusive, or a wrong command (one line says which).`,
    async run(argv) {
      const { positionals } = parseCommandArgs('merge', argv, {});
      if (positionals.length === 0) throw new UsageError(`merge: needs the shards' blob reports (folders or .zip files; see ${PROGRAM} merge --help)`);
      // Paths the user typed are relative to where they typed them; Playwright runs from the suite's folder.
      const cwd = process.cwd();
      const files = [...new Set(positionals.flatMap((p) => blobFiles(path.resolve(cwd, p))))];
      const blobs = await Promise.all(files.map(readBlobInfo));
      const problem = shardSetProblem(blobs);
      if (problem) throw new UsageError(`merge: ${problem}`);
      const envReportDir = process.env[REPORT_DIR_ENV];
      if (envReportDir) process.env[REPORT_DIR_ENV] = path.resolve(cwd, envReportDir);
      process.chdir(root);
      const reportDir = path.resolve(root, process.env[REPORT_DIR_ENV] || 'reports');
      // Playwright unpacks the blobs into the folder it merges: a copy in the report folder, not the user's folders.
      const { exitCode, interruptedBy, report } = await mergeBlobReports(files, { reportDir });
      if (interruptedBy !== undefined) {
        process.stderr.write(`merge: interrupted by ${interruptedBy}; no verdict\n`);
        return interruptedBy === 'SIGINT' ? 130 : 143;
      }
      if (!report) {
        process.stderr.write(`merge: INCONCLUSIVE — playwright merge-reports (exit ${exitCode}) wrote no conformance report; see its output above\n`);
        return 2;
      }
      return judgeReport(report, exitCode);
    },
  };
}
