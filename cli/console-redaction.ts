/**
 * Playwright's console output (the list or dot reporter, errors with their call logs) is a log like any
 * other: CI keeps it. It may carry a callback URL with its code and state (a navigation that timed out),
 * a token in an assertion message, or a value passed to `fill`. The CLIs therefore read the child's
 * stdout and stderr and write them on line by line, each line through the same pattern redaction as the
 * report files. Only whole lines are redacted (a secret is never split across two writes of ours); the
 * dot reporter's progress characters, which never end a line until the run ends, go out at once.
 */
import type { Readable, Writable } from 'node:stream';
import { redactArtifactText } from '../reporting/redact-artifacts.js';
import { hashSecret, redactText } from '../lib/secrets.js';

/** A value given to `fill(…)` in a Playwright call log or error: it may be a password, so it is always hashed. */
const FILL_CALLS = /(\bfill\()(["'`])((?:(?!\2)[^\\]|\\.)*)\2/g;

/** Only progress marks of the dot reporter (pass, fail, skip, flaky, timeout), never text that could hold a secret. */
const PROGRESS_ONLY = /^[·×°±✘✓TFf.*\s]*$/u;

export function redactConsoleLine(line: string): string {
  return redactText(redactArtifactText(line)).replace(FILL_CALLS, (_m, head: string, q: string, value: string) =>
    value.startsWith('sha256:') ? `${head}${q}${value}${q}` : `${head}${q}${hashSecret(value)}${q}`,
  );
}

/** Copies `from` to `to`, redacting each line; resolves when `from` ends (its last partial line included). */
export function pipeRedacted(from: Readable, to: Writable): Promise<void> {
  let pending = '';
  from.setEncoding('utf8');
  return new Promise((resolve) => {
    from.on('data', (chunk: string) => {
      pending += chunk;
      const cut = pending.lastIndexOf('\n');
      if (cut >= 0) {
        to.write(pending.slice(0, cut + 1).split('\n').map(redactConsoleLine).join('\n'));
        pending = pending.slice(cut + 1);
      }
      if (pending.length > 0 && PROGRESS_ONLY.test(pending)) {
        to.write(pending);
        pending = '';
      }
    });
    from.on('end', () => {
      if (pending.length > 0) to.write(redactConsoleLine(pending));
      resolve();
    });
  });
}
