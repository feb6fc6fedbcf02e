/**
 * `npm run matrix -- --target contextforge [--versions 1.0.0rc1..latest | 1.0.0rc1,1.0.7] [--requirements ID,ID]
 *  [playwright options]`
 *
 * Runs the suite against every release of a gateway in turn (each installed into its cached venv by the
 * adapter, with its own baseline) and writes one table, release × requirement, that marks where a status
 * changed between neighbouring releases: reports/matrix/matrix.md and matrix.json; each release's own
 * reports under reports/matrix/<version>/. Not part of `npm test`: an hour or more for every release.
 *
 * Exit codes: 0 every release produced a report (whatever its verdict: the table is the result); 2 a bad
 * command, or a release that produced no report (install or start failed: see its lines above);
 * 130/143 interrupted (the table so far is still written).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPORT_DIR_ENV, reportDir } from '../config/run-plan.js';
import { buildMatrix, renderMatrixMarkdown, type MatrixColumnInput } from '../reporting/matrix.js';
import { TARGETS, type TargetReleases } from '../targets/registry.js';
import { parseMatrixArgs, type MatrixArgs } from './matrix-args.js';
import { runConformance } from './conformance.js';

async function main(): Promise<number> {
  let args: MatrixArgs;
  let gateway: TargetReleases | undefined;
  let releases;
  try {
    args = parseMatrixArgs(process.argv.slice(2));
    gateway = TARGETS[args.target].releases;
    if (gateway === undefined) throw new Error(`--target ${args.target} has no releases`);
    releases = await gateway.select(args.versions);
  } catch (error) {
    process.stderr.write(`matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const base = path.join(reportDir(), 'matrix');
  mkdirSync(base, { recursive: true });
  const name = gateway.displayName;
  process.stderr.write(`matrix: ${name} ${releases.map((r) => r.version).join(', ')}${args.requirements.length > 0 ? `; requirements ${args.requirements.join(', ')}` : ''}\n`);
  const columns: MatrixColumnInput[] = [];
  let interrupted: number | undefined;
  const write = (): void => {
    const matrix = buildMatrix(name, columns);
    writeFileSync(path.join(base, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
    writeFileSync(path.join(base, 'matrix.md'), renderMatrixMarkdown(matrix));
  };
  for (const [i, release] of releases.entries()) {
    process.stderr.write(`matrix: [${i + 1}/${releases.length}] ${name} ${release.version} …\n`);
    // Each release's reports in a folder of its own; the env var is how every part of a run finds its folder.
    process.env[REPORT_DIR_ENV] = path.join(base, release.version);
    const started = performance.now();
    const outcome = await runConformance(['--target', args.target, '--target-version', release.version, ...args.playwrightArgs], {
      only: args.requirements,
    });
    const durationMs = performance.now() - started;
    const run = outcome.report?.runs[0] ?? null;
    columns.push({
      version: release.version,
      uploadedAt: release.uploadedAt,
      run,
      ...(run === null ? { noReportReason: `no report (exit ${outcome.exitCode}; see the lines above)` } : {}),
      durationMs,
    });
    process.stderr.write(`matrix: [${i + 1}/${releases.length}] ${name} ${release.version}: ${run?.verdict ?? 'no report'} (${Math.round(durationMs / 1000)} s)\n`);
    write();
    if (outcome.exitCode === 130 || outcome.exitCode === 143) {
      interrupted = outcome.exitCode;
      break;
    }
  }
  write();
  process.stderr.write(`matrix: ${path.join(base, 'matrix.md')} (json: ${path.join(base, 'matrix.json')})\n`);
  if (interrupted !== undefined) return interrupted;
  return columns.some((c) => c.run === null) ? 2 : 0;
}

process.exitCode = await main();
