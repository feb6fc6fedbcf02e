/**
 * Runs one of our commands as a user would (its own process group, like a terminal's foreground job),
 * with a unique marker in its environment, and records what it started while it runs: the processes and
 * the TCP ports they listen on. Lifecycle tests then check that nothing of it is left afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { listeningPorts, processesOf, type ProcessInfo } from './processes.js';
import { sharedTransformCache } from '../../cli/run-temp-dir.js';

const MARKER_NAME = 'CONFORMANCE_LIFECYCLE_MARKER';

export interface CliRun {
  readonly child: ChildProcess;
  readonly marker: string;
  /** The run's own report folder (a temporary one); `removeReports` deletes it. */
  readonly reportDir: string;
  removeReports(): void;
  /**
   * What the command left in its temporary folder (its TMPDIR, one of its own) after it exited, compile caches
   * that live across runs aside; `removeTemporaryFolder` deletes the folder.
   */
  temporaryFilesLeft(): string[];
  removeTemporaryFolder(): void;
  /** Resolves with the exit code (or the signal name) once the command has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every stdout line and stderr line so far. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout line matching `pattern` (rejects if the command exits first). */
  lineMatching(pattern: RegExp): Promise<string>;
  /** Records the processes of the run and the ports they listen on right now; adds to earlier snapshots. */
  snapshot(): { processes: ProcessInfo[]; ports: number[] };
  /** Process groups and ports seen in any snapshot. */
  readonly seenGroups: Set<number>;
  readonly seenPorts: Set<number>;
}

/** Starts `npx tsx <script> <args>` in the repository root with its own report folder. */
export function runCli(script: string, args: string[], env: Record<string, string> = {}): CliRun {
  const marker = `${MARKER_NAME}=${randomBytes(8).toString('hex')}`;
  const reportDir = mkdtempSync(path.join(tmpdir(), 'conformance-lifecycle-'));
  const temporaryFolder = mkdtempSync(path.join(tmpdir(), 'conformance-lifecycle-tmp-'));
  const child = spawn(path.join('node_modules', '.bin', 'tsx'), [script, ...args], {
    cwd: path.resolve(import.meta.dirname, '..', '..'),
    detached: true, // its own process group, as a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      [MARKER_NAME]: marker.slice(MARKER_NAME.length + 1),
      CONFORMANCE_REPORT_DIR: reportDir,
      CONFORMANCE_WORKERS: '1',
      // Every temporary file of the run goes under a folder of this test's, to see what stays there. Playwright's
      // compile cache stays where it is shared by every run (it would otherwise be made anew inside).
      TMPDIR: temporaryFolder,
      PLAYWRIGHT_TRANSFORM_CACHE_DIR: sharedTransformCache(process.env),
      ...env,
    },
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout.push(line);
    for (const waiter of [...waiters]) {
      if (!waiter.pattern.test(line)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`exited (${code ?? signal}) before printing ${waiter.pattern}; stderr: ${stderr.join(' | ')}`));
      resolve({ code, signal });
    });
  });
  const seenGroups = new Set<number>();
  const seenPorts = new Set<number>();
  return {
    child,
    marker,
    reportDir,
    removeReports: () => rmSync(reportDir, { recursive: true, force: true }),
    // tsx keeps its compile cache under TMPDIR (tsx-<uid>), across runs, as Playwright does its own.
    temporaryFilesLeft: () => readdirSync(temporaryFolder).filter((name) => !/^tsx-\d*$/.test(name)),
    removeTemporaryFolder: () => rmSync(temporaryFolder, { recursive: true, force: true }),
    exited,
    stdout,
    stderr,
    seenGroups,
    seenPorts,
    lineMatching(pattern) {
      const found = stdout.find((line) => pattern.test(line));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
    snapshot() {
      const processes = processesOf(marker, seenGroups);
      for (const p of processes) seenGroups.add(p.pgid);
      const ports = listeningPorts(processes.map((p) => p.pid));
      for (const port of ports) seenPorts.add(port);
      return { processes, ports };
    },
  };
}
