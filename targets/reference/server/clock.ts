/**
 * The reference gateway's clock for lifetimes it enforces itself (pending authorizations). Tests move it
 * forward instead of waiting out a TTL; nothing but the in-process adapter can reach it (no HTTP hook).
 */
export class GatewayClock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Moves this clock forward; it never goes back, so records stay ordered. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`The gateway clock only moves forward (got ${ms} ms)`);
    this.#offsetMs += ms;
  }
}
