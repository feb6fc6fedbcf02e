import type { IdpLogEntry } from './types.js';
import { CountWaits } from '../lib/count-waits.js';

export type LogDraft = Omit<IdpLogEntry, 'seq' | 'at'>;

/** Every request the IdP answered, oldest first. Entries are already redacted when they arrive here. */
export class RequestLog {
  readonly #entries: IdpLogEntry[] = [];
  readonly #waits = new CountWaits();

  record(draft: LogDraft): void {
    this.#entries.push({ seq: this.#entries.length + 1, at: new Date().toISOString(), ...draft });
    this.#waits.check();
  }

  /**
   * Resolves once `count` entries matching `matches` have been recorded (at once if they already are): a spec waits
   * on the request itself, never polls. It never rejects: the caller bounds the wait (lib/bounded-wait.ts).
   */
  whenLogged(matches: (entry: IdpLogEntry) => boolean, count: number): Promise<void> {
    return this.#waits.until(() => this.#entries.filter(matches).length >= count);
  }

  entries(): IdpLogEntry[] {
    return structuredClone(this.#entries);
  }
}
