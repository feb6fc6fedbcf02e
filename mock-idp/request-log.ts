import type { IdpLogEntry } from './types.js';

export type LogDraft = Omit<IdpLogEntry, 'seq' | 'at'>;

/** Every request the IdP answered, oldest first. Entries are already redacted when they arrive here. */
export class RequestLog {
  readonly #entries: IdpLogEntry[] = [];

  record(draft: LogDraft): void {
    this.#entries.push({ seq: this.#entries.length + 1, at: new Date().toISOString(), ...draft });
  }

  entries(): IdpLogEntry[] {
    return structuredClone(this.#entries);
  }
}
