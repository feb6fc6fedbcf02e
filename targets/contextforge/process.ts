/**
 * Starts and stops one ContextForge process: own process group, fresh empty working directory and
 * SQLite file, 127.0.0.1 on a free port, log piped (redacted) to a file the caller names.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lib/free-ports.js';
import { RawLog } from '../../lib/raw-log.js';
import { suiteCaTrust } from '../../lib/suite-ca.js';
import { startGroupProcess } from '../process-group.js';
import { startedGatewayClock, type ClockHook } from '../process-clock.js';
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
  /** What the process wrote, as it wrote it, in memory only (TOKEN-15). */
  readonly rawLog: RawLog;
  /** Moves the process's clock forward (FLOW-18, targets/process-clock.ts), or says why it cannot. */
  readonly clock: ClockHook;
  stop(): Promise<void>;
}

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
    // The run's suite CA, for TOKEN-28's certificate-name test: ContextForge's httpx and aiohttp clients read SSL_CERT_FILE.
    extra: { ...suiteCaTrust('openssl'), ...(options.extraEnv ?? {}) },
  });

  const rawLog = new RawLog();
  const clock = await startedGatewayClock(runDir, `${baseUrl}/health`);
  const started = await startGroupProcess({
    name: `ContextForge ${options.install.version}`,
    command: join(options.install.bin, 'mcpgateway'),
    args: ['--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    cwd: runDir,
    env: { ...env, ...clock.environment },
    logFile: options.logFile,
    rawLog,
    header: `# contextforge ${options.install.version} on ${origin}${rootPath} (127.0.0.1:${port}), run dir ${runDir}`,
    secrets: known,
    runDir,
    ready: () => answersHealthy(baseUrl),
    startTimeoutMs: options.startTimeoutMs ?? 120_000,
  });

  return {
    origin,
    rootPath,
    baseUrl,
    port,
    admin: { email: adminEmail, password: secrets.adminPassword },
    secrets: known,
    addSecret: started.addSecret,
    pid: started.pid,
    runDir,
    rawLog,
    stop: started.stop,
    clock: clock.hook,
  };
}

/** undefined once GET /health answers `{"status": "healthy"}`, else what it answered. */
async function answersHealthy(baseUrl: string): Promise<string | undefined> {
  const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) }).catch((e: unknown) => String(e));
  if (typeof response === 'string') return `GET /health failed: ${response}`;
  const body: unknown = await response.json().catch(() => null);
  const status = typeof body === 'object' && body !== null ? (body as { status?: unknown }).status : undefined;
  return response.ok && status === 'healthy' ? undefined : `GET /health answered ${response.status} ${JSON.stringify(status ?? null)}`;
}
