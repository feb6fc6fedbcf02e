/**
 * "Is the gateway there?" before a run starts, as one readable line instead of a fixture timeout: shared by the
 * CLI's preflight and the targets' own preflight checks.
 */

/**
 * The URL Node dials for a URL of the harness's browser. Chromium sends `localhost`, `*.localhost` and `*.test` to
 * loopback (its host rules: config/browser.ts `OFFLINE_HOST_RULES`); Node's resolver knows none of `*.localhost` or
 * `*.test`, and may answer `localhost` with ::1, where nothing of ours listens. Other hosts are left as they are. A
 * caller that needs the original host (a virtual host, a TLS name) sends it as the Host header itself.
 */
export function nodeReachable(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.test')) parsed.hostname = '127.0.0.1';
  return parsed.href;
}

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

export async function assertReachable(baseUrl: string): Promise<void> {
  try {
    const response = await fetch(baseUrl, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : firstLine(error);
    throw new Error(`target ${baseUrl} is unreachable (${cause}); is the gateway running?`);
  }
}
