/**
 * Starts and stops one MCP Inspector: its own process group, its own HOME and an empty server catalog
 * (so it never seeds its demo servers), every port it opens on 127.0.0.1 and free, no browser auto-open,
 * secrets in memory only, and its output piped (redacted) to a file the caller names.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../contextforge/process.js';
import { redactLogLine } from '../contextforge/log-redaction.js';
import type { InspectorInstall } from './install.js';

export interface RunningInspector {
  /** `http://127.0.0.1:<CLIENT_PORT>`: the UI and its API (`/api/*`) on one origin. */
  readonly origin: string;
  readonly pid: number;
  /** Adds a secret (a client secret) to be scrubbed from the log from now on. */
  addSecret(secret: string): void;
  stop(): Promise<void>;
}

/** What Inspector prints once its web server listens. */
const READY_LINE = /MCP Inspector Web is up and running/;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export async function startInspector(install: InspectorInstall, options: { logFile: string; apiToken: string }): Promise<RunningInspector> {
  const [clientPort, sandboxPort, appOriginPort] = [await freePort(), await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${clientPort}`;
  const runDir = await mkdtemp(join(tmpdir(), 'inspector-run-'));
  const home = join(runDir, 'home');
  const catalog = join(runDir, 'catalog.json');
  await mkdir(home);
  await writeFile(catalog, JSON.stringify({ mcpServers: {} }));
  const known = [options.apiToken];
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let lastLine = '';
  const write = (line: string): void => {
    lastLine = redactLogLine(line, known);
    log.write(`${lastLine}\n`);
  };
  write(`# MCP Inspector ${install.version} on ${origin} (sandbox ${sandboxPort}, app origin ${appOriginPort}), HOME ${home}`);
  const env: NodeJS.ProcessEnv = {
    PATH: `${dirname(install.node)}:${process.env['PATH'] ?? ''}`,
    HOME: home,
    HOST: '127.0.0.1',
    CLIENT_PORT: String(clientPort),
    MCP_SANDBOX_PORT: String(sandboxPort),
    MCP_APP_ORIGIN_PORT: String(appOriginPort),
    MCP_AUTO_OPEN_ENABLED: 'false',
    MCP_INSPECTOR_API_TOKEN: options.apiToken,
    MCP_INSPECTOR_SECRET_STORE: 'memory',
    MCP_LOG_FILE: join(runDir, 'inspector-pino.log'),
  };
  const child = spawn(install.node, [install.launcher, '--web', '--catalog', catalog], { cwd: runDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? -1;
  const killNow = (): void => {
    signalGroup(pid, 'SIGKILL');
    rmSync(runDir, { recursive: true, force: true });
  };
  // If the harness itself exits, nothing of this run may stay behind.
  process.on('exit', killNow);
  const exited = once(child, 'exit').then(([code, signal]) => `exited (code ${String(code)}, signal ${String(signal)})`);
  const ready = new Promise<void>((resolve) => {
    const onLine = (line: string): void => {
      write(line);
      if (READY_LINE.test(line)) resolve();
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
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
      await rm(runDir, { recursive: true, force: true });
    })());

  const timeout = new Promise<string>((r) => setTimeout(() => r(`not up after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS).unref());
  const problem = await Promise.race([ready.then(() => undefined), exited, timeout]);
  const healthy = problem === undefined ? await healthz(origin) : problem;
  if (healthy !== undefined) {
    await stop();
    throw new Error(`MCP Inspector ${install.version} did not start: ${healthy}${lastLine === '' ? '' : ` — ${lastLine.slice(0, 300)}`}`);
  }
  return {
    origin,
    pid,
    addSecret: (secret) => {
      if (secret.length > 0 && !known.includes(secret)) known.push(secret);
    },
    stop,
  };
}

/** undefined when GET /healthz answers 200, else what it answered. */
async function healthz(origin: string): Promise<string | undefined> {
  const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => String(e));
  if (typeof response === 'string') return `GET /healthz failed: ${response}`;
  return response.ok ? undefined : `GET /healthz answered ${response.status}`;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
