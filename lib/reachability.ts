/**
 * "Is the gateway there?" before a run starts, as one readable line instead of a fixture timeout: shared by the
 * CLI's preflight and the targets' own preflight checks.
 */

/** Node cannot resolve `*.localhost` (Chromium can): dial loopback for those. */
export function nodeReachable(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname.endsWith('.localhost')) parsed.hostname = '127.0.0.1';
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
