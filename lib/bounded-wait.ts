/**
 * Waits for an event the browser or a server should report, but at most `ms`: some events may never come
 * (an opaque no-cors answer ends without one a probe can match), and their absence is an answer too.
 * A Node timer, cleared when the event wins: `page.waitForTimeout` in a race kept one protocol call and
 * one trace entry running per probe for the whole bound, long after the event had arrived.
 * Resolves true when the event came first.
 */
export async function arrivedWithin(event: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([event.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
  }
}
