/**
 * `npm run coverage:reference [-- <conformance options>]`: runs the conformance suite against the reference gateway
 * with V8 coverage on, then lists the reference's correct code that no spec reached (reporting/coverage-gaps.ts):
 * `reports/reference-coverage/unreached.md` and a summary here. A check of the reference that never ran is a
 * check a gateway can leave out unnoticed; each one listed is a shape some spec could send. A maintainer's tool,
 * not a gate, and not part of `npm test`: the coverage run costs a full reference run (about a minute).
 * Options after `--` go to the conformance command (`--deployment behind-proxy`, `--variant V`, `--grep …`);
 * `--target` is refused: only the reference's source is here to measure.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPORT_DIR_ENV, reportDir } from '../config/run-plan.js';
import { isFaultModule, parseLcov, unreachedCorrectCode, type UnreachedRun } from '../reporting/coverage-gaps.js';

const REFERENCE_SERVER = 'targets/reference/server';

function run(command: string, args: string[], env: NodeJS.ProcessEnv, quiet: boolean): Promise<number> {
  const child = spawn(command, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'], env });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

function markdown(found: Map<string, UnreachedRun[]>, runVerdict: string): string {
  const lines = [
    '# The reference gateway: correct code no spec reached',
    '',
    `One conformance run against the reference (${runVerdict}), measured with V8 coverage. Fault-mode branches are left out.`,
    'Each stretch below is a check a broken gateway could leave out without any spec noticing.',
    '',
  ];
  for (const [file, runs] of found) {
    if (runs.length === 0) continue;
    lines.push(`## ${file}`, '');
    for (const r of runs) {
      lines.push(`- line ${r.line}${r.kind === 'branch' ? ' (a branch never taken)' : ''}:`, '', '  ```ts', ...r.source.map((s) => `  ${s}`), '  ```', '');
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const passThrough = process.argv.slice(2);
  if (passThrough.includes('--target')) {
    process.stderr.write('coverage:reference: only the reference gateway is measured (its source is in this repository); drop --target\n');
    return 2;
  }
  const out = path.join(reportDir(), 'reference-coverage');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const v8 = mkdtempSync(path.join(tmpdir(), 'reference-coverage-'));
  try {
    // Every process of the run (runner and workers, where the reference runs in-process) writes its V8 coverage here.
    const env = { ...process.env, NODE_V8_COVERAGE: v8, [REPORT_DIR_ENV]: path.join(out, 'run') };
    process.stderr.write(`coverage:reference: running the suite against the reference with coverage (report: ${out}/run)\n`);
    const suite = await run(path.join('node_modules', '.bin', 'tsx'), ['cli/conformance.ts', ...passThrough], env, false);
    const verdict = suite === 0 ? 'it passed' : `it exited ${suite}: read ${out}/run/conformance.md first`;
    const { NODE_V8_COVERAGE: _unused, ...plain } = env;
    const c8 = await run(
      path.join('node_modules', '.bin', 'c8'),
      ['report', '--temp-directory', v8, '--reporter', 'lcovonly', '--reports-dir', out, '--include', `${REFERENCE_SERVER}/**`, '--exclude-after-remap'],
      plain,
      true,
    );
    if (c8 !== 0) {
      process.stderr.write(`coverage:reference: c8 could not write the coverage report (exit ${c8})\n`);
      return 1;
    }
    const found = new Map<string, UnreachedRun[]>();
    for (const [file, coverage] of parseLcov(readFileSync(path.join(out, 'lcov.info'), 'utf8'))) {
      const relative = path.relative(process.cwd(), file);
      if (isFaultModule(relative)) continue;
      found.set(relative, unreachedCorrectCode(readFileSync(file, 'utf8'), coverage));
    }
    const report = path.join(out, 'unreached.md');
    writeFileSync(report, markdown(found, verdict));
    const total = [...found.values()].flat();
    process.stdout.write(
      `coverage:reference: ${total.filter((r) => r.kind === 'lines').length} stretches and ${total.filter((r) => r.kind === 'branch').length} branches of the reference's correct code no spec reached (${verdict}):\n`,
    );
    for (const [file, runs] of found) {
      for (const r of runs) process.stdout.write(`  ${file}:${r.line}${r.kind === 'branch' ? ' (branch)' : ''}  ${(r.source[0] ?? '').trim().slice(0, 110)}\n`);
    }
    process.stdout.write(`coverage:reference: ${report}\n`);
    return suite === 0 ? 0 : 1;
  } finally {
    rmSync(v8, { recursive: true, force: true });
  }
}

process.exitCode = await main();
