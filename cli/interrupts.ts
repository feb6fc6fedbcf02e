/**
 * Ctrl-C while a child runs. The terminal sends SIGINT to the whole foreground process group, so the
 * child (Playwright) gets it as well and shuts down cleanly: workers stop their mocks, targets and
 * browsers. Without a handler, Node would exit at once and leave that shutdown unwatched (processes
 * still running after the prompt returns, traces never redacted). So while the child runs, we wait for
 * it. A SIGINT sent to us alone (a supervisor, `kill -INT <pid>`) never reaches the child, which would
 * run every test it has left before the command could say "interrupted": the first SIGINT is passed on
 * to the child once. Playwright takes the copies of one Ctrl-C as one (it ignores SIGINTs for a second
 * after the first), so a terminal's Ctrl-C still means one graceful stop, never a forced exit. SIGTERM
 * usually comes to us alone too (a CI timeout, `kill <pid>`): passed on once the same way.
 */
import type { ChildProcess } from 'node:child_process';

export interface InterruptWatch {
  /** The first signal received while watching, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Stops watching (call once the child has exited). */
  stop(): void;
}

export function watchInterrupts(child: ChildProcess): InterruptWatch {
  let received: NodeJS.Signals | undefined;
  const passedOn = new Set<NodeJS.Signals>();
  const passOnce = (signal: NodeJS.Signals): void => {
    received ??= signal;
    if (passedOn.has(signal) || child.exitCode !== null || child.signalCode !== null) return;
    passedOn.add(signal);
    child.kill(signal);
  };
  const onInterrupt = (): void => passOnce('SIGINT');
  const onTerminate = (): void => passOnce('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return {
    get received() {
      return received;
    },
    stop() {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    },
  };
}

export interface InProcessInterrupts {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Stops watching (call once everything the command started is stopped). */
  stop(): void;
}

/**
 * The same for a command that does its work in this process (`check`): there is no child to wait for,
 * so the first SIGINT or SIGTERM aborts `signal` (the running step stops), and the command's own finally
 * blocks stop the browser, the target and the mocks before it exits 130 or 143. Later signals are only
 * noted: Node's default would exit at once and leave that shutdown undone (the browser runs in a process
 * group of its own, so nothing else would end it). Registered before anything starts.
 */
export function abortOnInterrupt(): InProcessInterrupts {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const on = (signal: NodeJS.Signals): void => {
    if (received !== undefined) return;
    received = signal;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    stop() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** The exit code a shell expects after a signal: 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}
