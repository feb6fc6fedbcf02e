/**
 * What one invocation runs: a list of target runs (the reference gateway, a fault mode of it, a
 * ContextForge version, …). The CLI builds it from its arguments and hands it to Playwright through
 * one environment variable, so `playwright.config.ts`, the fixtures and the reporter all read the same
 * validated plan. With no plan set, the default is the correct reference gateway.
 */
import { z } from 'zod';
import { TARGET_NAMES } from '../targets/registry.js';

/** Harness-side faults: they break the test environment, not the gateway, to prove the ENV self-checks can fail. */
export const HARNESS_FAULTS = [
  'attacker-same-site',
  'lenient-idp',
  // The preference call claims success but third-party cookies stay blocked (ENV-01 must observe, not trust).
  'third-party-cookies-unset',
  // The cross-site CORS context is routed like the actors' contexts, so Playwright answers preflights (ENV-03).
  'preflight-intercepted',
  // A script the reference admin page needs is blocked by the harness (ENV-04 must call the environment invalid).
  'blocked-page-script',
] as const;
export type HarnessFault = (typeof HARNESS_FAULTS)[number];

/**
 * How the browser reaches the gateway: `direct` (http on loopback, at the host's root: `*.localhost` is a secure
 * context, so the browser behaves as on https) or `behind-proxy` (nginx terminating TLS at `https://gateway.test:PORT/gw/`
 * and stripping `/gw`, as production deployments do; the attacker and sibling sites on https too). A run
 * certifies one deployment; PROXY-* requirements are checked only behind the proxy.
 */
export const DEPLOYMENTS = ['direct', 'behind-proxy'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

// The targets are listed once, in targets/registry.ts; re-exported for the plan's readers.
export { TARGET_NAMES, type TargetName } from '../targets/registry.js';

export const RunSpecSchema = z
  .object({
    /** Unique in the plan; names the Playwright project and the report section. */
    id: z.string().regex(/^[a-z0-9][a-z0-9._@-]*$/, 'lowercase letters, digits, ".", "_", "@" and "-" only'),
    target: z.enum(TARGET_NAMES),
    faultMode: z.string().min(1).nullable().default(null),
    harnessFault: z.enum(HARNESS_FAULTS).nullable().default(null),
    deployment: z.enum(DEPLOYMENTS).default('direct'),
    /**
     * Run only the specs of these requirements (and every ENV check, which always runs). The self-test uses it
     * to run each fault mode against the requirements meant to catch it; empty means the whole catalogue.
     */
    only: z.array(z.string().regex(/^[A-Z]+-\d{2}$/)).default([]),
    /** Adapter settings (validated again, in detail, by the adapter's own schema). */
    settings: z.record(z.string(), z.unknown()).default({}),
    /**
     * Self-test only: this run has no ENV project of its own and depends on the ENV checks of the named run
     * of the same invocation (same browser, same machine, same mocks); its report carries that run's ENV
     * results. The self-test's fault-mode runs share the correct reference run's checks instead of
     * repeating them fifty times. The conformance CLI never sets it: a certification run checks its own.
     */
    envFrom: z.string().optional(),
  })
  .strict();

export type RunSpec = z.infer<typeof RunSpecSchema>;

export const RunPlanSchema = z
  .array(RunSpecSchema)
  .min(1)
  .refine((plan) => new Set(plan.map((r) => r.id)).size === plan.length, 'run ids must be unique')
  .refine(
    (plan) => plan.every((r) => r.envFrom === undefined || plan.some((s) => s.id === r.envFrom && s.envFrom === undefined && s.id !== r.id)),
    'envFrom must name another run of the plan that runs its own ENV checks',
  );

export const PLAN_ENV = 'CONFORMANCE_PLAN';
export const REPORT_DIR_ENV = 'CONFORMANCE_REPORT_DIR';
/**
 * Set by the CLI when Playwright options limit what runs (`--grep`, file filters): the reporter then
 * marks every run partial (no conformance claim) instead of demanding the whole catalogue.
 */
export const PARTIAL_ENV = 'CONFORMANCE_PARTIAL';

export const DEFAULT_PLAN: RunSpec[] = [
  { id: 'reference', target: 'reference', faultMode: null, harnessFault: null, deployment: 'direct', only: [], settings: {} },
];

/** Reads and validates the plan; a bad plan is a one-line error naming what is wrong. */
export function readRunPlan(env: NodeJS.ProcessEnv = process.env): RunSpec[] {
  const raw = env[PLAN_ENV];
  if (raw === undefined || raw === '') return DEFAULT_PLAN;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${PLAN_ENV} is not valid JSON`);
  }
  const parsed = RunPlanSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${PLAN_ENV} is invalid: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
}

/**
 * The key of `playwright.config.ts`'s `metadata` under which a run carries its plan and partial reason
 * into Playwright's blob reports. `playwright merge-reports` starts no CLI, so neither PLAN_ENV nor
 * PARTIAL_ENV is set when the conformance reporter judges merged shards; it reads them from the merged
 * config's metadata instead (reporting/conformance-reporter.ts). Adapter settings are left out: they may
 * hold passwords (`--password`), and blobs and the HTML report keep the metadata; the reporter does not
 * need them.
 */
export const CARRIED_RUN_KEY = 'conformanceRun';

const CarriedRunSchema = z.object({ plan: RunPlanSchema, partialReason: z.string().min(1).optional() }).strict();
export type CarriedRun = z.infer<typeof CarriedRunSchema>;

/** What playwright.config.ts puts under metadata[CARRIED_RUN_KEY]. */
export function carriedRun(plan: readonly RunSpec[], env: NodeJS.ProcessEnv = process.env): CarriedRun {
  const partialReason = env[PARTIAL_ENV] || undefined;
  return { plan: plan.map((run) => ({ ...run, settings: {} })), ...(partialReason ? { partialReason } : {}) };
}

/** Reads metadata[CARRIED_RUN_KEY] back (validated); undefined when absent or not ours. */
export function readCarriedRun(metadata: unknown): CarriedRun | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const parsed = CarriedRunSchema.safeParse((metadata as Record<string, unknown>)[CARRIED_RUN_KEY]);
  return parsed.success ? parsed.data : undefined;
}

export function reportDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[REPORT_DIR_ENV] || 'reports';
}
