/**
 * Whether a run may be certified. A certification bundle claims the gateway conforms, so it is written only
 * for a full run (every catalogue requirement tested) whose verdict is a pass and in which every MUST
 * requirement passed. Anything the run could not tell (not testable, not run, not tested) is a refusal,
 * as is a MUST the gateway is known to fail (a baseline's expected failure): listing a failure does not
 * make a gateway conformant.
 */
import { isPassingVerdict, REQUIREMENT_STATUSES, type RequirementStatus } from '../reporting/results.js';
import type { ReportFile } from '../reporting/report-file.js';

/**
 * MUST statuses that refuse a certification: everything but a pass, and "not applicable" (honoured only where
 * the catalogue names designs that lack the subject, and shown with its reason in the bundled report).
 */
const REFUSED_MUST_STATUSES: ReadonlySet<RequirementStatus> = new Set(
  REQUIREMENT_STATUSES.filter((status) => status !== 'passed' && status !== 'not-applicable'),
);

/** One line per reason the report cannot be certified; empty when it can. */
export function refusalReasons(report: ReportFile, playwrightExitCode = 0): string[] {
  const reasons: string[] = [];
  if (playwrightExitCode !== 0) reasons.push(`the run exited with ${playwrightExitCode}, not 0`);
  for (const run of report.runs) {
    if (run.scope !== 'full') reasons.push(`${run.id}: partial run (${run.partialReason ?? 'limited'}); only a full run can be certified`);
    if (!isPassingVerdict(run.verdict)) reasons.push(`${run.id}: verdict is ${run.verdict}, not pass or pass-with-warnings`);
    for (const problem of run.problems) reasons.push(`${run.id}: problem: ${problem}`);
    for (const r of run.families.flatMap((f) => f.requirements)) {
      if (r.level === 'MUST' && REFUSED_MUST_STATUSES.has(r.status)) reasons.push(`${run.id}: MUST requirement ${r.id} is ${r.status}`);
    }
  }
  if (!report.conformant && reasons.length === 0) reasons.push('the report does not claim conformance');
  return reasons;
}
