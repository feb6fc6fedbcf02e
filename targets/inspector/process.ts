/**
 * Starts and stops one MCP Inspector: its own process group, its own HOME and an empty server catalog
 * (so it never seeds its demo servers), every port it opens on 127.0.0.1 and free, no browser auto-open,
 * secrets in memory only, and its output piped (redacted) to a file the caller names.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePorts } from '../../lib/free-ports.js';
import { suiteCaTrust } from '../../lib/suite-ca.js';
import { answersOk, startGroupProcess } from '../process-group.js';
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

export async function startInspector(install: InspectorInstall, options: { logFile: string; apiToken: string }): Promise<RunningInspector> {
  // Picked together, so the three differ.
  const [clientPort, sandboxPort, appOriginPort] = (await freePorts(3)) as [number, number, number];
  const origin = `http://127.0.0.1:${clientPort}`;
  const runDir = await mkdtemp(join(tmpdir(), 'inspector-run-'));
  const home = join(runDir, 'home');
  const catalog = join(runDir, 'catalog.json');
  await mkdir(home);
  await writeFile(catalog, JSON.stringify({ mcpServers: {} }));
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
    // The run's suite CA, for TOKEN-28's certificate-name test (its proxy is Node).
    ...suiteCaTrust('node'),
  };
  const started = await startGroupProcess({
    name: `MCP Inspector ${install.version}`,
    command: install.node,
    args: [install.launcher, '--web', '--catalog', catalog],
    cwd: runDir,
    env,
    logFile: options.logFile,
    header: `# MCP Inspector ${install.version} on ${origin} (sandbox ${sandboxPort}, app origin ${appOriginPort}), HOME ${home}`,
    secrets: [options.apiToken],
    runDir,
    readyLine: READY_LINE,
    ready: () => answersOk(`${origin}/healthz`),
    startTimeoutMs: START_TIMEOUT_MS,
  });
  return { origin, pid: started.pid, addSecret: started.addSecret, stop: started.stop };
}
