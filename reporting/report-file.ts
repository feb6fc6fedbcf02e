/**
 * conformance.json read back from disk (by `verify`, `diff`, `report` and the certification bundle). The
 * file is external input — it may come from another machine, an older suite version or a hand edit — so
 * it is validated here, field by field, before any verdict is read from it or any Markdown rendered.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FAMILY_TITLES, type Family } from '../catalogue/requirements.js';
import { REQUIREMENT_STATUSES, RUN_VERDICTS, TEST_OUTCOMES } from './results.js';
import { BUG_CLASSES, type BugClassId } from './diagnosis.js';

const FAMILIES = Object.keys(FAMILY_TITLES) as [Family, ...Family[]];

const AttemptSchema = z.object({
  attempt: z.number().int(),
  status: z.string(),
  durationMs: z.number(),
  error: z.string().optional(),
});

const RelativeArtifactPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside the report folder');

const TestSchema = z.object({
  title: z.string(),
  outcome: z.enum(TEST_OUTCOMES),
  status: z.string(),
  expectedStatus: z.string(),
  durationMs: z.number(),
  error: z.string().optional(),
  evidence: z.unknown().optional(),
  notApplicable: z.string().optional(),
  // Relative paths inside the report folder only: an absolute path or `..` would let a report point the
  // HTML renderer (which embeds screenshots) at any file on the machine.
  artifacts: z
    .object({ screenshots: z.array(RelativeArtifactPath), trace: RelativeArtifactPath.optional() })
    .optional(),
  attempts: z.array(AttemptSchema),
});

const DiagnosisSchema = z.object({
  bugClass: z.enum(Object.keys(BUG_CLASSES) as [BugClassId, ...BugClassId[]]),
  title: z.string(),
  lookAt: z.string(),
  because: z.string(),
});

const RequirementResultSchema = z.object({
  id: z.string().regex(/^[A-Z]+-\d{2}$/),
  family: z.enum(FAMILIES),
  level: z.enum(['MUST', 'SHOULD']),
  statement: z.string(),
  sources: z.array(z.string()),
  status: z.enum(REQUIREMENT_STATUSES),
  tests: z.array(TestSchema),
  expectedFailureNote: z.string().optional(),
  diagnosis: DiagnosisSchema.optional(),
});

const SummarySchema = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  failedDifferently: z.number().int(),
  expectedFailures: z.number().int(),
  staleExpectations: z.number().int(),
  notTestable: z.number().int(),
  notRun: z.number().int(),
  notApplicable: z.number().int(),
  notTested: z.number().int(),
  warnings: z.number().int(),
});

const RunReportSchema = z.object({
  id: z.string(),
  target: z.unknown(),
  verdict: z.enum(RUN_VERDICTS),
  scope: z.enum(['full', 'partial']),
  partialReason: z.string().optional(),
  envFrom: z.string().optional(),
  problems: z.array(z.string()),
  summary: SummarySchema,
  families: z.array(z.object({ family: z.enum(FAMILIES), title: z.string(), requirements: z.array(RequirementResultSchema) })),
});

export const ReportFileSchema = z.object({
  suite: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  durationMs: z.number(),
  verdict: z.enum(RUN_VERDICTS),
  passed: z.boolean(),
  conformant: z.boolean(),
  runs: z.array(RunReportSchema).min(1),
});

export type ReportFile = z.infer<typeof ReportFileSchema>;

/** The target a run describes (targets/target.ts `describe()`), or null when the target never started. */
export const ReportTargetSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  faultMode: z.string().nullable().optional(),
});
export type ReportTarget = z.infer<typeof ReportTargetSchema>;

/** Parses conformance.json text; throws one line naming the first fields that are wrong. */
export function parseReportFile(text: string, where = 'conformance.json'): ReportFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON`);
  }
  const parsed = ReportFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${where} is not a conformance report: ${issues.join('; ')}`);
  }
  return parsed.data;
}

export function readReportFile(file: string): ReportFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseReportFile(text, file);
}

