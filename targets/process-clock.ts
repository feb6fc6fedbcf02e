/**
 * A clock hook for a gateway the harness starts itself (n8n, ContextForge): its process runs under
 * libfaketime (Debian `libfaketime`, preloaded into it and everything it forks), whose offset lives in a file
 * the harness writes. FLOW-18 moves the gateway's clock past its state TTL this way instead of waiting five
 * minutes out, as it does with the reference gateway's own hook. Both clocks move: the wall clock (Date,
 * Python's datetime) and the monotonic one (performance.now, asyncio, the TTLs of in-memory caches such as
 * n8n's lru-cache), so whatever a gateway measures a state's age with sees the same jump.
 *
 * Moving it is not instant: libfaketime reads the file at most once a second (reading it on every clock call
 * made Node twenty times slower at telling the time), so `advance` waits until the gateway's own answers say
 * the new time (their HTTP `Date` header) before it returns. Nothing is waited out by a fixed sleep.
 */
import { existsSync, readdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TargetLifetimes } from './target.js';

/** Debian installs it under the multiarch folder: /usr/lib/<triplet>/faketime/. The MT build is the one for threaded programs. */
const LIBRARY_NAME = 'libfaketimeMT.so.1';

/** The preloadable library, or undefined when libfaketime is not installed. */
export function findLibfaketime(): string | undefined {
  const override = process.env['CONFORMANCE_LIBFAKETIME'];
  if (override !== undefined && override !== '') return existsSync(override) ? override : undefined;
  let entries: string[];
  try {
    entries = readdirSync('/usr/lib');
  } catch {
    return undefined;
  }
  for (const folder of ['', ...entries]) {
    const candidate = join('/usr/lib', folder, 'faketime', LIBRARY_NAME);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Why a started gateway has no clock hook, for FLOW-18's "not testable" line. */
export const NO_LIBFAKETIME = 'libfaketime is not installed (Debian: apt-get install -y libfaketime; npm run bootstrap installs it)';

/** How far the gateway's answers may lag the offset and still count as moved: the Date header's whole seconds plus the file's one-second cache. */
const SETTLE_SLACK_MS = 3_000;
/** libfaketime rereads its file once a second; a few rereads are the most a move should take. */
const SETTLE_BOUND_MS = 10_000;
/** Between two reads of the gateway's Date header while it has not moved yet. */
const SETTLE_POLL_MS = 200;

export interface ProcessClock {
  /** Variables for the gateway's environment: the preload and the offset file. */
  readonly environment: Record<string, string>;
  /**
   * Moves the clock forward by `seconds` and resolves once `gatewayDate()` (the Date header of one of its answers)
   * shows it; throws when the gateway never shows the move (a binary libfaketime cannot hook, a static one).
   */
  advance(seconds: number, gatewayDate: () => Promise<Date>): Promise<void>;
}

/**
 * A clock for one gateway process, its offset file in `runDir`; undefined without libfaketime. `settleBoundMs`: how long
 * `advance` waits for the gateway to show a move before it calls the hook broken.
 */
export async function processClock(runDir: string, options: { settleBoundMs?: number } = {}): Promise<ProcessClock | undefined> {
  const settleBoundMs = options.settleBoundMs ?? SETTLE_BOUND_MS;
  const library = findLibfaketime();
  if (library === undefined) return undefined;
  const file = join(runDir, 'faketime.rc');
  let offsetSeconds = 0;
  const writeOffset = async (): Promise<void> => {
    // Renamed into place: libfaketime never reads a half-written offset.
    await writeFile(`${file}.next`, `+${offsetSeconds}\n`);
    await rename(`${file}.next`, file);
  };
  await writeOffset();
  return {
    environment: {
      LD_PRELOAD: library,
      FAKETIME_TIMESTAMP_FILE: file,
      FAKETIME_CACHE_DURATION: '1',
    },
    async advance(seconds, gatewayDate) {
      offsetSeconds += seconds;
      await writeOffset();
      const wanted = Date.now() + offsetSeconds * 1000 - SETTLE_SLACK_MS;
      const deadline = Date.now() + settleBoundMs;
      let seen: Date | undefined;
      while (Date.now() < deadline) {
        seen = await gatewayDate();
        if (seen.getTime() >= wanted) return;
        // A poll of the gateway's own answers, not a wait for time to pass: libfaketime's cache has no event to wait on.
        await delay(SETTLE_POLL_MS);
      }
      throw new Error(
        `the gateway's clock did not move ${offsetSeconds} s ahead within ${settleBoundMs / 1000} s (its Date header said ${seen?.toUTCString() ?? 'nothing'}): libfaketime did not take hold of it`,
      );
    },
  };
}

/** What a started gateway offers FLOW-18: the hook, or null and why there is none. */
export type ClockHook = Pick<TargetLifetimes, 'advanceClock' | 'clockUnavailable'>;

/**
 * The clock of a gateway process about to start in `runDir`: the environment to start it with, and its hook, which
 * reads the gateway's time from the Date header of `dateUrl` (a cheap answer of its own, e.g. its health check).
 */
export async function startedGatewayClock(runDir: string, dateUrl: string): Promise<{ environment: Record<string, string>; hook: ClockHook }> {
  const clock = await processClock(runDir);
  if (clock === undefined) return { environment: {}, hook: { advanceClock: null, clockUnavailable: NO_LIBFAKETIME } };
  return { environment: clock.environment, hook: { advanceClock: (seconds) => clock.advance(seconds, () => dateHeaderOf(dateUrl)) } };
}

/** The Date header of one answer of `url`, for `ProcessClock.advance`. */
export async function dateHeaderOf(url: string): Promise<Date> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
  await res.body?.cancel();
  const header = res.headers.get('date');
  const date = header === null ? Number.NaN : Date.parse(header);
  if (Number.isNaN(date)) throw new Error(`${url} answered without a Date header, so the gateway's clock cannot be read`);
  return new Date(date);
}
