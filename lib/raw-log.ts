/**
 * What a gateway wrote to its own log, as it wrote it: held in memory only, never written anywhere (the log file a
 * run keeps is redacted), so a spec can search it for the secrets the IdP issued (TOKEN-15). Bounded: the oldest
 * lines go first, and `droppedBytes` grows, so a search that may have missed lines can tell.
 */
export class RawLog {
  readonly #lines: string[] = [];
  #bytes = 0;
  #dropped = 0;
  #written = 0;

  constructor(readonly budgetBytes: number = 16 * 1024 * 1024) {}

  add(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length + 1;
    this.#written += line.length + 1;
    while (this.#bytes > this.budgetBytes && this.#lines.length > 1) {
      const gone = this.#lines.shift() ?? '';
      this.#bytes -= gone.length + 1;
      this.#dropped += gone.length + 1;
    }
  }

  text(): string {
    return this.#lines.join('\n');
  }

  /** Characters dropped to stay within the budget, since the start. */
  get droppedBytes(): number {
    return this.#dropped;
  }

  /** Characters written since the start, dropped or not: grows with every line. */
  get writtenBytes(): number {
    return this.#written;
  }
}
