/**
 * Expectations baselines (as web-platform-tests' expectation files and the MCP conformance suite's
 * expected-failures): per target and version, the requirements known to fail, each with the error that
 * was observed, a one-line reason, and a failure signature. A listed requirement counts as an expected
 * failure only when its error matches the signature: a different failure (the adapter's selectors broke,
 * login failed, a timeout) is reported as `failed-differently` and fails the run. One that passes is a
 * stale entry and fails the run, so baselines cannot rot silently.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { findRequirement } from '../catalogue/requirements.js';

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

export const BaselineEntrySchema = z
  .object({
    requirement: z
      .string()
      .refine((id) => findRequirement(id) !== undefined, 'not a requirement ID in catalogue/requirements.ts')
      // An ENV check tests our own environment: if it fails nothing else can be judged, so it is never "expected".
      .refine((id) => !id.startsWith('ENV-'), 'ENV requirements check the test environment and cannot be expected to fail'),
    /** The error the suite observed (exact server message where there is one). */
    observed: z.string().min(1),
    /** Why this is expected, in one line: a known defect of that release, with its upstream reference when known. */
    reason: z.string().min(1),
    /**
     * JavaScript regular-expression source, matched case-insensitively against the test's error message
     * (redacted, ANSI stripped). Make it specific to the gateway's behaviour (its own message, "MCP server
     * received no request"), so that a selector or login failure does not match.
     */
    signature: z
      .string()
      .min(8, 'signature is too short to tell one failure from another')
      .refine(compiles, 'signature is not a valid JavaScript regular expression')
      .refine((s) => !compiles(s) || !new RegExp(s, 'i').test(''), 'signature matches any error (it matches the empty string)'),
    /** Only with `true` may a timed-out test count as this expected failure. */
    timeout: z.literal(true).optional(),
    /**
     * JavaScript regular-expression source, matched case-insensitively against the test's title: the entry then
     * covers only the tests of its requirement it matches, and the others run as usual (a requirement whose tests
     * send several shapes, of which the release fails some). Without it the entry covers every test of the
     * requirement, and a test of it that passes is a stale entry.
     */
    test: z.string().min(3).refine(compiles, 'test is not a valid JavaScript regular expression').optional(),
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

/** Where the targets live: each target's baselines are in its own folder, `targets/<target>/baselines/<version>.json`. */
export const TARGETS_ROOT = 'targets';

export function baselinePath(target: string, version: string, root = TARGETS_ROOT): string {
  return path.join(root, target, 'baselines', `${version}.json`);
}

/** Every committed baseline: each target folder's `baselines/*.json`, as target and version. */
export function committedBaselines(root = TARGETS_ROOT): { target: string; version: string }[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, 'baselines')))
    .flatMap((entry) =>
      readdirSync(path.join(root, entry.name, 'baselines'))
        .filter((file) => file.endsWith('.json'))
        .map((file) => ({ target: entry.name, version: file.replace(/\.json$/, '') })),
    );
}

/** Loads the baseline for a target version; none on disk means "everything is expected to pass". */
export function loadBaseline(target: string, version: string, root = TARGETS_ROOT): Baseline {
  const file = baselinePath(target, version, root);
  if (!existsSync(file)) return { target, version, expectedFailures: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`${file}: not valid JSON`);
  }
  const parsed = BaselineSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`);
  if (parsed.data.target !== target || parsed.data.version !== version) {
    throw new Error(`${file}: declares ${parsed.data.target} ${parsed.data.version}, expected ${target} ${version}`);
  }
  return parsed.data;
}

/** The entry that expects the test titled `testTitle` of `requirementId` to fail, if any (see `test` above). */
export function expectedFailure(baseline: Baseline, requirementId: string, testTitle: string): BaselineEntry | undefined {
  return baseline.expectedFailures.find((e) => e.requirement === requirementId && (e.test === undefined || new RegExp(e.test, 'i').test(testTitle)));
}

/**
 * The expectation travels from the worker (fixture) to the reporter as a test annotation of this type,
 * its description the entry as JSON: the reporter, which sees the error, decides whether it matches.
 */
export const EXPECTATION_ANNOTATION = 'expected-failure';

export function encodeExpectation(entry: BaselineEntry): string {
  return JSON.stringify(entry);
}

/** The entry an annotation carries, or undefined if it is not one (never throws: a reporter must not crash). */
export function decodeExpectation(description: string | undefined): BaselineEntry | undefined {
  if (!description) return undefined;
  try {
    const parsed = BaselineEntrySchema.safeParse(JSON.parse(description));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a failed attempt is the failure the entry describes: its error matches the signature, and it
 * did not time out unless the entry says a timeout is the expected failure.
 */
export function matchesExpectation(entry: Pick<BaselineEntry, 'signature' | 'timeout'>, attempt: { status: string; error: string | undefined }): boolean {
  if (attempt.status === 'timedOut' && entry.timeout !== true) return false;
  if (attempt.status !== 'failed' && attempt.status !== 'timedOut') return false;
  return new RegExp(entry.signature, 'i').test(attempt.error ?? '');
}
