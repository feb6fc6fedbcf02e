/**
 * Signals to a whole process group (a server started with `detached: true` leads its own) and the wait
 * until none of its members is left: a member that outlives its leader (a forked worker, a watchdog's
 * subshell) would otherwise keep a port or a run folder after we said it stopped.
 */

/** Sends `signal` to every member of group `pgid`; a group that is gone already is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (pgid <= 0) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * Resolves once no process of group `pgid` is left. SIGKILL is delivered asynchronously and the kernel
 * offers no event for "group empty", so this is a bounded poll (2 s).
 */
export async function groupGone(pgid: number): Promise<void> {
  if (pgid <= 0) return;
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return; // ESRCH: no process left in the group
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
