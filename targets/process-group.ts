/**
 * One gateway process the harness starts (Inspector, n8n): its own process group, its output piped through
 * the log redaction to a file, killed with everything it forked when the harness exits, and stopped with a
 * grace period then SIGKILL to the whole group. What differs per target (the command, its environment, when
 * it is ready) comes in as options.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { redactLogLine } from './contextforge/log-redaction.js';

export interface GroupProcessOptions {
  /** How errors name it, e.g. 'MCP Inspector 2.12.0'. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** The log's first line (no secrets). */
  header: string;
  /** Secrets known at start, scrubbed from every log line. */
  secrets: string[];
  /** A folder of this run only, removed when the process stops. */
  runDir: string;
  /** An output line that says the process is up (checked before `ready`), if it prints one. */
  readyLine?: RegExp;
  /** Resolves undefined when the process answers as ready (a health endpoint), or with what it answered instead; asked once, after `readyLine`. */
  ready(): Promise<string | undefined>;
  startTimeoutMs: number;
}

export interface GroupProcess {
  readonly pid: number;
  /** Adds a secret (a client secret, a password) to be scrubbed from the log from now on. */
  addSecret(secret: string): void;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

/** Starts the process and resolves once it is ready; a process that exits or stays unready is stopped and throws one line. */
export async function startGroupProcess(options: GroupProcessOptions): Promise<GroupProcess> {
  const known = [...options.secrets];
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let lastLine = '';
  const write = (line: string): void => {
    lastLine = redactLogLine(line, known);
    log.write(`${lastLine}\n`);
  };
  write(options.header);
  const child = spawn(options.command, [...options.args], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? -1;
  const killNow = (): void => {
    signalGroup(pid, 'SIGKILL');
    rmSync(options.runDir, { recursive: true, force: true });
  };
  // If the harness itself exits, nothing of this run may stay behind.
  process.on('exit', killNow);
  const exited = once(child, 'exit').then(([code, signal]) => `exited (code ${String(code)}, signal ${String(signal)})`);
  const printedReady = new Promise<void>((resolve) => {
    const onLine = (line: string): void => {
      write(line);
      if (options.readyLine?.test(line)) resolve();
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    if (!options.readyLine) resolve();
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(pid, 'SIGTERM');
        const grace = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_GRACE_MS).unref());
        if ((await Promise.race([exited, grace])) === 'timeout') signalGroup(pid, 'SIGKILL');
        await exited;
      }
      signalGroup(pid, 'SIGKILL'); // anything it forked that is still in the group
      process.removeListener('exit', killNow);
      await new Promise<void>((resolve) => log.end(resolve));
      await rm(options.runDir, { recursive: true, force: true });
    })());

  const timeout = new Promise<string>((r) => setTimeout(() => r(`not up after ${options.startTimeoutMs} ms`), options.startTimeoutMs).unref());
  const problem = await Promise.race([printedReady.then(() => options.ready()), exited, timeout]);
  if (problem !== undefined) {
    await stop();
    throw new Error(`${options.name} did not start: ${problem}${lastLine === '' ? '' : ` — ${lastLine.slice(0, 300)}`}`);
  }
  return {
    pid,
    addSecret: (secret) => {
      if (secret.length > 0 && !known.includes(secret)) known.push(secret);
    },
    stop,
  };
}

/** undefined when GET `url` answers 2xx (a health endpoint), else what it answered. */
export async function answersOk(url: string): Promise<string | undefined> {
  const path = new URL(url).pathname;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => String(e));
  if (typeof response === 'string') return `GET ${path} failed: ${response}`;
  return response.ok ? undefined : `GET ${path} answered ${response.status}`;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
