/**
 * Starts and stops one n8n: its own process group, its own user folder (SQLite database, encryption key,
 * settings) in a fresh temporary folder, every port it opens on 127.0.0.1 and free, and nothing that
 * calls n8n's servers (telemetry, version notifications, templates, community packages, the license
 * server, AI features). Its output is piped (redacted) to a file the caller names.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../../lib/free-ports.js';
import { RawLog } from '../../lib/raw-log.js';
import { suiteCaTrust } from '../../lib/suite-ca.js';
import { answersOk, startGroupProcess } from '../process-group.js';
import { startedGatewayClock, type ClockHook } from '../process-clock.js';
import type { N8nInstall } from './install.js';

export interface RunningN8n {
  /** Browser-facing origin, `http://gateway.localhost:<port>` (n8n's editor base URL: OAuth redirect URIs start with it). */
  readonly origin: string;
  /** The same server for Node callers, which cannot resolve `*.localhost`: `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly pid: number;
  /** What n8n wrote, as it wrote it, in memory only (TOKEN-15). */
  readonly rawLog: RawLog;
  addSecret(secret: string): void;
  /** Moves n8n's clock forward (FLOW-18, targets/process-clock.ts), or says why it cannot. */
  readonly clock: ClockHook;
  stop(): Promise<void>;
}

/** What n8n prints once its HTTP server serves the editor. */
const READY_LINE = /Editor is now accessible via/;
/** First start migrates a fresh SQLite database: about a minute on a shared 2-core machine. */
const START_TIMEOUT_MS = 240_000;
/** `gateway.localhost` keeps `app.gateway.localhost` same-site and `evil.localhost` cross-site (as for ContextForge). */
const HOSTNAME = 'gateway.localhost';

/**
 * The environment that makes one n8n private to this run. Every n8n variable is set explicitly here
 * (nothing inherited), so a developer's own N8N_* settings never change a verdict.
 */
export function n8nEnvironment(options: { node: string; userFolder: string; port: number; brokerPort: number }): NodeJS.ProcessEnv {
  const origin = `http://${HOSTNAME}:${options.port}`;
  return {
    PATH: `${dirname(options.node)}:${process.env['PATH'] ?? ''}`,
    HOME: options.userFolder,
    N8N_USER_FOLDER: options.userFolder,
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_PORT: String(options.port),
    N8N_HOST: HOSTNAME,
    N8N_PROTOCOL: 'http',
    N8N_EDITOR_BASE_URL: origin,
    WEBHOOK_URL: `${origin}/`,
    // With a Secure cookie, n8n's editor refuses to load over http on any host but `localhost` and `127.0.0.1`
    // (settings store: location.protocol === 'http:' and another hostname → a "secure cookie" error page). The
    // suite serves plain http on gateway.localhost (its same-site sibling needs a name with subdomains), so the
    // cookie goes without Secure, as n8n's page says to do there; over https (behind the proxy) this would be dropped.
    N8N_SECURE_COOKIE: 'false',
    DB_TYPE: 'sqlite',
    // The built-in task runner's broker listens on a port of its own (default 5679): free and loopback per worker.
    N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
    // Nothing leaves the machine: telemetry, version checks, templates, community packages, AI services.
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
    N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_DYNAMIC_BANNERS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
    N8N_REINSTALL_MISSING_PACKAGES: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_AI_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    EXTERNAL_FRONTEND_HOOKS_URLS: '',
    // The MCP server registry module refreshes its catalogue from api.n8n.io at start.
    N8N_DISABLED_MODULES: 'mcp-registry',
    N8N_PUSH_BACKEND: 'websocket',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_LOG_LEVEL: 'info',
    N8N_LOG_OUTPUT: 'console',
    N8N_NO_COLOR: 'true',
    NO_COLOR: '1',
  };
}

export async function startN8n(install: N8nInstall, options: { logFile: string }): Promise<RunningN8n> {
  const [port, brokerPort] = [await freePort(), await freePort()];
  const runDir = await mkdtemp(join(tmpdir(), 'n8n-run-'));
  const origin = `http://${HOSTNAME}:${port}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const rawLog = new RawLog();
  const clock = await startedGatewayClock(runDir, `${baseUrl}/healthz`);
  const started = await startGroupProcess({
    name: `n8n ${install.version}`,
    command: install.node,
    args: [install.cli, 'start'],
    cwd: runDir,
    // The run's suite CA, for TOKEN-28's certificate-name test.
    env: { ...n8nEnvironment({ node: install.node, userFolder: runDir, port, brokerPort }), ...suiteCaTrust('node'), ...clock.environment },
    logFile: options.logFile,
    rawLog,
    header: `# n8n ${install.version} on ${origin} (127.0.0.1:${port}, task broker ${brokerPort}), user folder ${runDir}`,
    secrets: [],
    runDir,
    readyLine: READY_LINE,
    // /healthz/readiness answers 200 once the database is connected and migrated.
    ready: () => answersOk(`${baseUrl}/healthz/readiness`),
    startTimeoutMs: START_TIMEOUT_MS,
  });
  return { origin, baseUrl, pid: started.pid, rawLog, addSecret: started.addSecret, stop: started.stop, clock: clock.hook };
}
