/**
 * One line per request (method, path, status, ms) plus the odd event line, appended to the log file.
 * Paths only (never query strings, which carry codes and state) and every line passes through `redactLogLine` on its
 * way to the file: that guards the report folder, it is not the gateway's care (TOKEN-15 reads the lines as written).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { RequestHandler } from 'express';
import { RawLog } from '../../../lib/raw-log.js';
import { redactLogLine } from '../../../lib/log-redaction.js';

export class RequestLog {
  readonly #stream: WriteStream | null;
  readonly #knownSecrets: () => Iterable<string>;

  /** Every line as the gateway wrote it, before the redaction that guards the file: in memory only (TOKEN-15). */
  readonly raw = new RawLog();

  constructor(file: string | undefined, knownSecrets: () => Iterable<string> = () => []) {
    this.#stream = file === undefined ? null : createWriteStream(file, { flags: 'a' });
    this.#knownSecrets = knownSecrets;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // originalUrl: req.path is relative to a mount point (/static); the query string is dropped (codes, state).
        const path = new URL(req.originalUrl, 'http://gateway.invalid').pathname;
        this.line(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`);
      });
      next();
    };
  }

  /** A free-text event (errors, refusals); secrets are scrubbed before it is written. */
  event(text: string): void {
    this.line(`event ${text}`);
  }

  line(text: string): void {
    this.raw.add(text);
    if (this.#stream === null) return;
    this.#stream.write(`${new Date().toISOString()} ${redactLogLine(text.replace(/[\r\n]+/g, ' '), this.#knownSecrets())}\n`);
  }

  close(): Promise<void> {
    const stream = this.#stream;
    if (stream === null) return Promise.resolve();
    return new Promise((resolve) => stream.end(resolve));
  }
}
