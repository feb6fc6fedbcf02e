/**
 * Promises that resolve once a condition over a growing record holds (the mocks' request logs: "the n-th token
 * request has come"), so a spec waits on the request itself and never polls. The record's owner calls `check()`
 * after each addition. A wait never rejects: the caller bounds it (lib/bounded-wait.ts).
 */
export class CountWaits {
  readonly #pending = new Set<{ met: () => boolean; resolve: () => void }>();

  /** Resolves once `met()` is true, at once if it already is. */
  until(met: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const wait = { met, resolve };
      this.#pending.add(wait);
      this.#settle(wait);
    });
  }

  /** Re-evaluates every pending wait; the owner calls it after the record grew. */
  check(): void {
    for (const wait of this.#pending) this.#settle(wait);
  }

  #settle(wait: { met: () => boolean; resolve: () => void }): void {
    if (!wait.met()) return;
    this.#pending.delete(wait);
    wait.resolve();
  }
}
