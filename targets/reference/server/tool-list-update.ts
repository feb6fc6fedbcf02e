/**
 * What a successful Fetch Tools stores: the upstream's list as it is now. A fetch replaces the previous
 * list (tools the server dropped disappear) and never lists a name twice.
 */
import type { FaultFlags } from './faults.js';

export function updatedToolList(previous: readonly string[], fetched: readonly string[], faults: FaultFlags): string[] {
  // BUG (tools-merged-not-replaced): the new list is appended to the old one.
  if (faults['tools-merged-not-replaced']) return [...previous, ...fetched];
  return [...new Set(fetched)];
}
