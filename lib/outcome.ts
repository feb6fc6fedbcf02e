/**
 * The three outcomes a requirement can have, and how a spec says "the run could not tell".
 *
 * - passed: the gateway did what the requirement asks, with evidence;
 * - failed: the gateway did something wrong, with evidence of what;
 * - not testable: our side could not get an answer (the environment, the adapter, a step of ours that
 *   timed out, a positive twin that showed no effect). This is never a pass and never blamed on the
 *   gateway: the reporter recognises the message prefix below (errors cross from the worker to the
 *   reporter as text, so a prefix is the one marker that survives) and reports the requirement as
 *   `not-testable`, which makes the run inconclusive.
 */
export const NOT_TESTABLE_PREFIX = 'Not testable:';

export class NotTestableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`${NOT_TESTABLE_PREFIX} ${reason}`, options);
    this.name = 'NotTestableError';
  }
}

/** Throws the "could not tell" outcome; use it for every failure of our own steps, never for the gateway's. */
export function notTestable(reason: string): never {
  throw new NotTestableError(reason);
}

/** True for an error message (as Playwright reports it, possibly prefixed with "Error: ") that says "not testable". */
export function isNotTestableMessage(message: string | undefined): boolean {
  if (!message) return false;
  const text = message.replace(/\u001b\[[0-9;]*m/g, '').trimStart();
  return text.startsWith(NOT_TESTABLE_PREFIX) || /^(\w*Error:\s*)Not testable:/.test(text);
}

/**
 * The fourth answer, for requirements about something a gateway's design may lack (a return parameter,
 * an admin table): "not applicable", with the reason. It travels to the reporter as a test annotation of
 * this type on a skipped test; the reporter honours it only for catalogue entries with `mayNotApply`
 * (anything else is not testable), so it can never stand in for a pass of a duty every gateway has.
 */
export const NOT_APPLICABLE_ANNOTATION = 'conformance-not-applicable';
export const NOT_APPLICABLE_PREFIX = 'Not applicable:';
