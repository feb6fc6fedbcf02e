/**
 * Which Chromium binary drives the run. Both come from Debian (Playwright cannot download browsers here):
 * - `chromium-headless-shell`, the default: Chromium's own headless build (the "old" headless mode as a
 *   separate binary). Measured on this 2-core machine, a full reference run used 84 s of CPU instead of
 *   151 s with full Chromium in new headless mode, and took 1.1 min instead of 2.5 min: the browser
 *   process does far less per context and page. It cannot show a window.
 * - `chromium`, the full browser: used for `--headed` and `--debug`, and whenever CHROMIUM_PATH names it.
 * The browser behaviour every verdict depends on (same-site and cross-site labels, third-party cookies,
 * CORS preflights reaching the server) is observed by the ENV self-checks on every run, whichever binary
 * runs, so switching binaries can make a run invalid but never changes a verdict silently.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH_ENV = 'CHROMIUM_PATH';
/** The real binary, not Debian's /usr/bin wrapper script (which stays the parent of the browser instead of exec'ing it). */
export const HEADLESS_SHELL_PATH = '/usr/lib/chromium/chromium-headless-shell';
export const FULL_CHROMIUM_PATH = '/usr/bin/chromium';

/** Playwright options that need a window (or the inspector), so the full browser. */
const NEEDS_WINDOW = new Set(['--headed', '--debug', '--ui']);

export function needsWindow(playwrightArgs: readonly string[]): boolean {
  return playwrightArgs.some((arg) => NEEDS_WINDOW.has(arg.split('=')[0] ?? arg));
}

/**
 * The binary for a run: CHROMIUM_PATH when set (checked by the preflight, never replaced); otherwise the
 * headless shell when it is installed and no window is needed; otherwise full Chromium.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env, options: { window?: boolean } = {}): string {
  const chosen = env[CHROMIUM_PATH_ENV];
  if (chosen !== undefined && chosen !== '') return chosen;
  if (!options.window && existsSync(HEADLESS_SHELL_PATH)) return HEADLESS_SHELL_PATH;
  return FULL_CHROMIUM_PATH;
}

/**
 * Every host name except loopback ones fails to resolve inside the browser, so nothing a page asks for can
 * leave the machine, whatever a context routes; the actors list the requests that failed so (fixtures/actors.ts,
 * for ENV-04), without a blocking route of their own. Hosts that stay, as in lib/on-machine.ts: localhost,
 * *.localhost, 127.0.0.0/8 and ::1 (measured: the rule for IPv6 is written without brackets; `127.*` is a
 * name pattern, so a name such as 127.example.com is left to the system resolver, as any other name would
 * be without this rule). `*.test` names (RFC 6761: reserved for testing, never on the Internet) go to loopback:
 * the behind-proxy deployment serves the gateway as https://gateway.test:PORT. An adapter's own routes (ContextForge's CDN assets) still answer first, before
 * any name is resolved.
 */
export const OFFLINE_HOST_RULES = 'MAP *.test 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.*, EXCLUDE ::1';

/** The flags every Chromium of the suite starts with. */
export const CHROMIUM_ARGS: readonly string[] = ['--disable-gpu', '--disable-quic', `--host-resolver-rules=${OFFLINE_HOST_RULES}`];
