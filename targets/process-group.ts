/**
 * One gateway process the harness starts (ContextForge, Inspector, n8n): its own process group, its output
 * piped through the log redaction to a file, killed with everything it forked when the harness exits or is
 * interrupted, and stopped with a grace period then SIGKILL to the whole group, returning only once the group
 * is gone (a member left behind would hold the port or the run folder). What differs per target (the
 * command, its environment, when it is ready) comes in as options.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { redactLogLine } from '../lib/log-redaction.js';
import type { RawLog } from '../lib/raw-log.js';
import { groupGone, signalGroup } from '../lib/process-groups.js';

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
  /** Where each line also goes as the process wrote it, in memory only (lib/raw-log.ts), for TOKEN-15's search. */
  rawLog?: RawLog;
  /** Secrets known at start, scrubbed from every log line. The array is read live: the caller may add to it. */
  secrets: string[];
  /** A folder of this run only, removed when the process stops. */
  runDir: string;
  /** An output line that says the process is up (waited for before `ready` is asked), if it prints one. */
  readyLine?: RegExp;
  /**
   * Resolves undefined when the process answers as ready (a health endpoint), or with what it answered
   * instead. Asked again every READY_POLL_MS until ready, the process exits or `startTimeoutMs` passes.
   */
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
const READY_POLL_MS = 250;
/** Log lines kept for the one-line start error. */
const TAIL_LINES = 30;

/** Starts the process and resolves once it is ready; a process that exits or stays unready is stopped and throws one line. */
export async function startGroupProcess(options: GroupProcessOptions): Promise<GroupProcess> {
  const known = options.secrets;
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const tail: string[] = [];
  const write = (line: string): void => {
    options.rawLog?.add(line);
    const clean = redactLogLine(line, known);
    tail.push(clean);
    if (tail.length > TAIL_LINES) tail.shift();
    log.write(`${clean}\n`);
  };
  write(options.header);
  const child = spawn(options.command, [...options.args], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, options.runDir);
  // A spawn failure (ENOENT, EACCES) emits 'error' and no 'exit': `once` rejects with it, which is an end too.
  const ended = once(child, 'exit').then(
    ([code, signal]) => `process exited (code ${String(code)}, signal ${String(signal)})`,
    (err: unknown) => `could not be started: ${err instanceof Error ? err.message : String(err)}`,
  );
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
  // Idempotent: a second stop() must not signal a process group id that may since have been reused.
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopGroup(child, ended);
      untrack(child);
      await new Promise<void>((resolve) => log.end(resolve));
      await rm(options.runDir, { recursive: true, force: true });
    })());

  const problem = await waitReady(options, printedReady, ended);
  if (problem !== undefined) {
    await stop();
    // The last line that names an error says more than the last line (often a shutdown message).
    const hint = tail.filter((l) => /error|exception|already in use/i.test(l)).slice(-1)[0] ?? tail.slice(-1)[0] ?? '';
    throw new Error(`${options.name} did not start: ${problem}${hint === '' ? '' : ` — ${hint.slice(0, 300)}`}`);
  }
  return {
    pid: child.pid ?? -1,
    addSecret: (secret) => {
      if (secret.length > 0 && !known.includes(secret)) known.push(secret);
    },
    stop,
  };
}

/** undefined once the process printed its ready line and `ready()` said so; else why not (exit, last answer at the deadline). */
async function waitReady(options: GroupProcessOptions, printedReady: Promise<void>, ended: Promise<string>): Promise<string | undefined> {
  let endedWith: string | undefined;
  void ended.then((why) => {
    endedWith = why;
  });
  const deadlineAt = Date.now() + options.startTimeoutMs;
  const deadline = new Promise<string>((r) => setTimeout(() => r(`not up after ${options.startTimeoutMs} ms`), options.startTimeoutMs).unref());
  const beforeReadyLine = await Promise.race([printedReady.then(() => undefined), ended, deadline]);
  if (beforeReadyLine !== undefined) return beforeReadyLine;
  let lastAnswer = 'no answer yet';
  while (Date.now() < deadlineAt) {
    if (endedWith !== undefined) return endedWith;
    const answer = await options.ready();
    if (answer === undefined) return undefined;
    lastAnswer = answer;
    // Bounded poll: wakes early when the process dies.
    await Promise.race([ended, new Promise((r) => setTimeout(r, READY_POLL_MS))]);
  }
  return endedWith ?? `not ready after ${options.startTimeoutMs} ms (${lastAnswer})`;
}

/** undefined when GET `url` answers 2xx (a health endpoint), else what it answered. */
export async function answersOk(url: string): Promise<string | undefined> {
  const path = new URL(url).pathname;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => String(e));
  if (typeof response === 'string') return `GET ${path} failed: ${response}`;
  return response.ok ? undefined : `GET ${path} answered ${response.status}`;
}

/** SIGTERM to the whole group, SIGKILL after a bound, then wait until no member is left. */
async function stopGroup(child: ChildProcess, ended: Promise<unknown>): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child.pid, 'SIGTERM');
    const grace = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_GRACE_MS).unref());
    if ((await Promise.race([ended.then(() => 'ended' as const), grace])) === 'timeout') {
      signalGroup(child.pid, 'SIGKILL');
      await ended;
    }
  }
  // Anything it forked that is still in the group.
  signalGroup(child.pid, 'SIGKILL');
  await groupGone(child.pid);
}

/** Processes still running (with their run folders), killed and removed if the harness itself exits or is interrupted. */
const live = new Map<ChildProcess, string>();
let hooksInstalled = false;

function track(child: ChildProcess, runDir: string): void {
  live.set(child, runDir);
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllNow();
      process.removeListener(sig, handler);
      // Keep the default behaviour (exit) unless someone else handles the signal.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

function untrack(child: ChildProcess): void {
  live.delete(child);
}

function killAllNow(): void {
  for (const [child, runDir] of live) {
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    // Synchronous: nothing asynchronous runs any more in an 'exit' handler.
    rmSync(runDir, { recursive: true, force: true });
  }
  live.clear();
}
