/**
 * The step runner of `mcp-gateway-conformance check`: runs named steps in order, each with its own time
 * bound, and judges them. Pure (no browser, no Playwright), so its rules are unit tested on their own:
 * - a step whose prerequisites did not pass is skipped, never run: its failure would only repeat the
 *   earlier one and hide which adapter method is actually broken;
 * - an optional capability the adapter leaves out is `absent`, which is fine (the requirements that need
 *   it are "not testable"), but one it declares must work like any other step;
 * - a step that overruns its bound fails with a reason that names it, and its work is told to stop
 *   (its AbortSignal), so a poll or wait it started does not run on into the next step.
 */

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'absent';

export interface StepDefinition {
  /** What the line shows: the adapter method(s) the step calls, or the harness's part of the flow. */
  name: string;
  /** An optional capability of the Target interface (targets/target.ts). */
  optional?: boolean;
  /** The adapter leaves this optional capability out. */
  absent?: boolean;
  /** Earlier steps that must have passed; an inner list is met by any one of its steps. */
  needs?: readonly (string | readonly string[])[];
  timeoutMs: number;
  /** Throws when the check fails; may return a short note for the `ok` line. `signal` aborts on timeout or interruption. */
  run(signal: AbortSignal): Promise<string | void>;
}

export interface StepResult {
  name: string;
  status: StepStatus;
  optional: boolean;
  /** Elapsed time of a step that ran. */
  ms?: number;
  /** One line: why it failed or was skipped. */
  reason?: string;
  /** One line an `ok` step had to say (what it found). */
  note?: string;
}

export interface RunStepsOptions {
  /** Applied to every reason and note before it leaves the runner (secrets never reach the console). */
  redact: (text: string) => string;
  /** Aborted on SIGINT/SIGTERM: the running step stops and every later one is skipped. */
  signal?: AbortSignal;
  /** Called as each result is known, so the command can print it at once. */
  onResult?: (result: StepResult) => void;
}

export class StepTimeoutError extends Error {}

const INTERRUPTED = 'interrupted';
const MAX_LINE = 300;

/**
 * One line from an error message: Playwright's messages span lines (the expectation, the locator, a call
 * log), so the lines before "Call log:" are joined; colour codes are dropped and the result is bounded.
 */
export function oneLine(text: string): string {
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  const beforeLog = plain.split(/\n\s*Call log:/)[0] ?? plain;
  const joined = beforeLog
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' — ')
    .replace(/^Error:\s*/, '');
  return joined.length > MAX_LINE ? `${joined.slice(0, MAX_LINE - 1)}…` : joined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The prerequisite (or group of alternatives) that has not passed, or undefined when all have. */
function unmetNeed(step: StepDefinition, passed: ReadonlySet<string>): string | undefined {
  for (const need of step.needs ?? []) {
    const options = typeof need === 'string' ? [need] : need;
    if (!options.some((n) => passed.has(n))) return options.join(' or ');
  }
  return undefined;
}

/** Runs `work` until it settles, `timeoutMs` passes, or `outer` aborts; always clears its timer. */
async function bounded(step: StepDefinition, outer: AbortSignal | undefined): Promise<string | void> {
  const inner = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StepTimeoutError(`${step.name} timed out after ${step.timeoutMs} ms`);
      inner.abort(error);
      reject(error);
    }, step.timeoutMs);
    onAbort = () => {
      inner.abort(new Error(INTERRUPTED));
      reject(new Error(INTERRUPTED));
    };
    outer?.addEventListener('abort', onAbort, { once: true });
  });
  const work = Promise.resolve().then(() => step.run(inner.signal));
  // The loser of the race may still reject later (a wait cut off by the browser closing): never unhandled.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
  }
}

export async function runSteps(steps: readonly StepDefinition[], options: RunStepsOptions): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const passed = new Set<string>();
  const report = (result: StepResult): void => {
    results.push(result);
    options.onResult?.(result);
  };
  for (const step of steps) {
    const optional = step.optional === true;
    if (optional && step.absent) {
      report({ name: step.name, status: 'absent', optional });
      continue;
    }
    if (options.signal?.aborted) {
      report({ name: step.name, status: 'skipped', optional, reason: INTERRUPTED });
      continue;
    }
    const unmet = unmetNeed(step, passed);
    if (unmet !== undefined) {
      report({ name: step.name, status: 'skipped', optional, reason: `an earlier step failed: ${unmet}` });
      continue;
    }
    const start = performance.now();
    try {
      const note = await bounded(step, options.signal);
      const ms = Math.round(performance.now() - start);
      passed.add(step.name);
      report({ name: step.name, status: 'ok', optional, ms, ...(note ? { note: options.redact(oneLine(note)) } : {}) });
    } catch (error) {
      const ms = Math.round(performance.now() - start);
      // Interrupted by the user: not the adapter's failure.
      if (options.signal?.aborted) report({ name: step.name, status: 'skipped', optional, ms, reason: INTERRUPTED });
      else report({ name: step.name, status: 'failed', optional, ms, reason: options.redact(oneLine(messageOf(error))) });
    }
  }
  return results;
}

/** 0 when every step that ran passed (absent optional capabilities are fine), 1 when any adapter step failed. */
export function checkExitCode(results: readonly StepResult[]): 0 | 1 {
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

function statusText(result: StepResult): string {
  switch (result.status) {
    case 'ok':
      return result.note ? `ok — ${result.note}` : 'ok';
    case 'failed':
      return `FAILED: ${result.reason ?? 'no reason given'}`;
    case 'skipped':
      return `skipped (${result.reason ?? 'an earlier step failed'})`;
    case 'absent':
      return 'absent (optional)';
  }
}

/** One console line: name, elapsed ms of a step that ran ("-" otherwise), status. */
export function formatStep(result: StepResult, nameWidth: number): string {
  const ms = result.ms === undefined ? '-' : `${result.ms} ms`;
  return `  ${result.name.padEnd(nameWidth)}  ${ms.padStart(9)}  ${statusText(result)}`;
}
