/**
 * How many Playwright workers a run uses. Each worker starts its own mocks and target and drives its
 * own browser, so the right number depends on the target and the machine; CONFORMANCE_WORKERS
 * overrides the default. A value that is not a whole number is refused with one line, never guessed.
 */
export const WORKERS_ENV = 'CONFORMANCE_WORKERS';
export const MAX_WORKERS = 16;

export function workersFromEnv(env: NodeJS.ProcessEnv, fallback: number): number {
  const raw = env[WORKERS_ENV];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_WORKERS) {
    throw new Error(`${WORKERS_ENV} must be a whole number from 1 to ${MAX_WORKERS}, got "${raw}"`);
  }
  return Number(raw);
}
