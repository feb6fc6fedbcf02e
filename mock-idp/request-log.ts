import type { IdpLogEntry } from './types.js';

export type LogDraft = Omit<IdpLogEntry, 'seq' | 'at'>;

/** A spec waiting for `count` logged requests that match. */
interface Waiter {
  matches: (entry: IdpLogEntry) => boolean;
  count: number;
  resolve: () => void;
}

/** Every request the IdP answered, oldest first. Entries are already redacted when they arrive here. */
export class RequestLog {
  readonly #entries: IdpLogEntry[] = [];
  readonly #waiting = new Set<Waiter>();

  record(draft: LogDraft): void {
    this.#entries.push({ seq: this.#entries.length + 1, at: new Date().toISOString(), ...draft });
    for (const waiter of this.#waiting) this.#settle(waiter);
  }

  /**
   * Resolves once `count` entries matching `matches` have been recorded (at once if they already are): a spec waits
   * on the request itself, never polls. It never rejects: the caller bounds the wait (lib/bounded-wait.ts).
   */
  whenLogged(matches: (entry: IdpLogEntry) => boolean, count: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = { matches, count, resolve };
      this.#waiting.add(waiter);
      this.#settle(waiter);
    });
  }

  #settle(waiter: Waiter): void {
    if (this.#entries.filter(waiter.matches).length < waiter.count) return;
    this.#waiting.delete(waiter);
    waiter.resolve();
  }

  entries(): IdpLogEntry[] {
    return structuredClone(this.#entries);
  }
}
