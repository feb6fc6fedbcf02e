/**
 * Turns the one active fault mode into a lookup the rest of the gateway reads as booleans. Code paths
 * test `faults['mode-name']` with the literal mode name, so a Ctrl+F on a mode finds every place it acts.
 */
import { FAULT_MODE_NAMES, type FaultModeName } from '../faults.js';

export type FaultFlags = Readonly<Record<FaultModeName, boolean>>;

/** All flags false except the active mode's (none when `mode` is null: the correct gateway). */
export function faultFlags(mode: FaultModeName | null): FaultFlags {
  const flags = {} as Record<FaultModeName, boolean>;
  for (const name of FAULT_MODE_NAMES) flags[name] = name === mode;
  return flags;
}
