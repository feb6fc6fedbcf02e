/**
 * Expectations baselines (as web-platform-tests' expectation files and the MCP conformance suite's
 * expected-failures): per target and version, the requirements known to fail, each with the error that
 * was observed and a one-line reason. A listed requirement that fails is reported as an expected
 * failure; one that passes is a stale entry and fails the run, so baselines cannot rot silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { findRequirement } from '../catalogue/requirements.js';

export const BaselineEntrySchema = z
  .object({
    requirement: z.string().refine((id) => findRequirement(id) !== undefined, 'not a requirement ID in catalogue/requirements.ts'),
    /** The error the suite observed (exact server message where there is one). */
    observed: z.string().min(1),
    /** Why this is expected, in one line: a known defect of that release, with its upstream reference when known. */
    reason: z.string().min(1),
  })
  .strict();

export const BaselineSchema = z
  .object({
    target: z.string().min(1),
    version: z.string().min(1),
    expectedFailures: z.array(BaselineEntrySchema),
  })
  .strict();

export type Baseline = z.infer<typeof BaselineSchema>;
export type BaselineEntry = z.infer<typeof BaselineEntrySchema>;

export const BASELINE_ROOT = 'baselines';

export function baselinePath(target: string, version: string, root = BASELINE_ROOT): string {
  return path.join(root, target, `${version}.json`);
}

/** Loads the baseline for a target version; none on disk means "everything is expected to pass". */
export function loadBaseline(target: string, version: string, root = BASELINE_ROOT): Baseline {
  const file = baselinePath(target, version, root);
  if (!existsSync(file)) return { target, version, expectedFailures: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${file}: not valid JSON`);
  }
  const parsed = BaselineSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  if (parsed.data.target !== target || parsed.data.version !== version) {
    throw new Error(`${file}: declares ${parsed.data.target} ${parsed.data.version}, expected ${target} ${version}`);
  }
  return parsed.data;
}

export function expectedFailure(baseline: Baseline, requirementId: string): BaselineEntry | undefined {
  return baseline.expectedFailures.find((e) => e.requirement === requirementId);
}
