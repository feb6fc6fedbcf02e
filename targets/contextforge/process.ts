/**
 * Starts and stops one ContextForge process: own process group, fresh empty working directory and
 * SQLite file, 127.0.0.1 on a free port, log piped (redacted) to a file the caller names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { redactLogLine } from './log-redaction.js';
import { contextForgeEnv, newRunSecrets, secretValues } from './config.js';
import type { ContextForgeInstall } from './install.js';

export interface StartContextForgeOptions {
  install: ContextForgeInstall;
  /** Where the (redacted) server log goes; appended to. */
  logFile: string;
  /** Browser host name; `gateway.localhost` keeps `app.gateway.localhost` same-site and `evil.localhost` cross-site. */
  hostname?: string;
  /**
   * Served behind a TLS-terminating proxy: the origin browsers use (replaces `hostname` and the port) and the
   * sub-path the proxy serves the gateway under and strips. The process still listens on plain http, 127.0.0.1.
   */
  behindProxy?: { publicOrigin: string; rootPath: string };
  /** Login of the platform admin created at startup. */
  adminEmail?: string;
  /** Extra or overriding environment variables. */
  extraEnv?: Record<string, string>;
  /** Upper bound for start-up (imports alone take ~12 s here). */
  startTimeoutMs?: number;
}

export interface RunningContextForge {
  /** Browser-facing origin, e.g. `http://gateway.localhost:41234` (equals APP_DOMAIN); behind the proxy its public origin. */
  readonly origin: string;
  /** The sub-path the browser reaches the gateway under ('' served directly; APP_ROOT_PATH behind the proxy). */
  readonly rootPath: string;
  /** Same server for Node callers (Node cannot resolve `*.localhost` names). */
  readonly baseUrl: string;
  readonly port: number;
  readonly admin: { email: string; password: string };
  /** Every generated secret, for redaction by the caller. */
  readonly secrets: readonly string[];
  /** Adds a secret (a client secret, a password) to be scrubbed from the log from now on. */
  addSecret(secret: string): void;
  readonly pid: number;
  /** The fresh working directory (SQLite file inside); removed by stop(). */
  readonly runDir: string;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const HEALTH_POLL_MS = 250;
const MAX_PORT_ATTEMPTS = 3;

/** Starts ContextForge and resolves once GET /health answers healthy. */
export async function startContextForge(options: StartContextForgeOptions): Promise<RunningContextForge> {
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= MAX_PORT_ATTEMPTS; attempt++) {
    try {
      return await startOnce(options, await freePort());
    } catch (err) {
      lastError = err instanceof Error ? err : new Error(String(err));
      // Another process took the port between our probe and uvicorn's bind: try a new one.
      if (!/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('ContextForge did not start');
}

async function startOnce(options: StartContextForgeOptions, port: number): Promise<RunningContextForge> {
  const hostname = options.hostname ?? 'gateway.localhost';
  const origin = options.behindProxy ? new URL(options.behindProxy.publicOrigin).origin : `http://${hostname}:${port}`;
  const rootPath = options.behindProxy?.rootPath ?? '';
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminEmail = options.adminEmail ?? 'alice@example.com';
  const secrets = newRunSecrets();
  // Grows when the adapter learns more secrets (client secrets, passwords of users it creates).
  const known = secretValues(secrets);
  const runDir = await mkdtemp(join(tmpdir(), 'cf-run-'));
  const env = contextForgeEnv({
    origin,
    port,
    runDir,
    adminEmail,
    secrets,
    ...(options.behindProxy ? { behindProxy: { rootPath } } : {}),
    extra: options.extraEnv ?? {},
  });

  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const tail: string[] = [];
  const write = (line: string): void => {
    const clean = redactLogLine(line, known);
    tail.push(clean);
    if (tail.length > 30) tail.shift();
    log.write(`${clean}\n`);
  };
  write(`# contextforge ${options.install.version} on ${origin}${rootPath} (127.0.0.1:${port}), run dir ${runDir}`);

  const child = spawn(join(options.install.bin, 'mcpgateway'), ['--host', '127.0.0.1', '--port', String(port), '--workers', '1'], {
    cwd: runDir,
    env,
    // Own process group, so stop() reaches uvicorn and anything it forks.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child, runDir);
  createInterface({ input: child.stdout! }).on('line', write);
  createInterface({ input: child.stderr! }).on('line', write);
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null }));

  let stopping: Promise<void> | undefined;
  // Idempotent: a second stop() must not signal a process group id that may since have been reused.
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopGroup(child, exited);
      untrack(child);
      await new Promise<void>((resolve) => log.end(resolve));
      await rm(runDir, { recursive: true, force: true });
    })());

  try {
    await waitHealthy(baseUrl, exited, options.startTimeoutMs ?? 120_000);
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    const hint = tail.filter((l) => /error|exception|already in use/i.test(l)).slice(-1)[0] ?? tail.slice(-1)[0] ?? '';
    throw new Error(`ContextForge ${options.install.version} did not start: ${why}${hint ? ` — ${hint.slice(0, 300)}` : ''}`);
  }

  return {
    origin,
    rootPath,
    baseUrl,
    port,
    admin: { email: adminEmail, password: secrets.adminPassword },
    secrets: known,
    addSecret: (secret: string) => {
      if (secret.length > 0 && !known.includes(secret)) known.push(secret);
    },
    pid: child.pid ?? -1,
    runDir,
    stop,
  };
}

async function waitHealthy(
  baseUrl: string,
  exited: Promise<{ code: number | null; signal: string | null }>,
  timeoutMs: number,
): Promise<void> {
  let exitInfo: { code: number | null; signal: string | null } | undefined;
  void exited.then((e) => {
    exitInfo = e;
  });
  const deadline = Date.now() + timeoutMs;
  const attempts = Math.ceil(timeoutMs / HEALTH_POLL_MS);
  for (let i = 0; i < attempts && Date.now() < deadline; i++) {
    if (exitInfo) throw new Error(`process exited (code ${String(exitInfo.code)}, signal ${String(exitInfo.signal)})`);
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok && typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'healthy') return;
    } catch {
      // Not listening yet.
    }
    // Bounded poll: wake early if the process dies.
    await Promise.race([exited, new Promise((r) => setTimeout(r, HEALTH_POLL_MS))]);
  }
  if (exitInfo) throw new Error(`process exited (code ${String(exitInfo.code)}, signal ${String(exitInfo.signal)})`);
  throw new Error(`GET /health not healthy after ${timeoutMs} ms`);
}

/** SIGTERM to the whole group, SIGKILL after a bound. */
async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child.pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_GRACE_MS).unref());
    if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
      signalGroup(child.pid, 'SIGKILL');
      await exited;
    }
  }
  // Children uvicorn may have left behind in the group.
  signalGroup(child.pid, 'SIGKILL');
  await groupGone(child.pid);
}

/**
 * SIGKILL is delivered asynchronously and the kernel offers no event for "group empty", so this is a
 * bounded poll (2 s): stop() must not return while a member still holds the port or the run folder.
 */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return; // ESRCH: no process left in the group
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Group already gone.
  }
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

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!port) throw new Error('could not find a free port');
  return port;
}
