/**
 * Ctrl-C while a child runs. The terminal sends SIGINT to the whole foreground process group, so the
 * child (Playwright) gets it as well and shuts down cleanly: workers stop their mocks, targets and
 * browsers. Without a handler, Node would exit at once and leave that shutdown unwatched (processes
 * still running after the prompt returns, traces never redacted). So while the child runs, SIGINT is
 * only noted and we wait for the child. SIGTERM usually comes to us alone (a CI timeout, `kill <pid>`):
 * it is passed on to the child once, which then shuts down the same way.
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
  const onInterrupt = (): void => {
    received ??= 'SIGINT';
  };
  let terminated = false;
  const onTerminate = (): void => {
    received ??= 'SIGTERM';
    if (terminated || child.exitCode !== null || child.signalCode !== null) return;
    terminated = true;
    child.kill('SIGTERM');
  };
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
