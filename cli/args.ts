/**
 * Command-line arguments of `npm run conformance`, validated into a run plan. Our own options are parsed
 * here; anything else (e.g. `--grep SESSION`, `--repeat-each 10`, `--workers 1`) goes to Playwright.
 */
import { z } from 'zod';
import { isFaultModeName, FAULT_MODE_NAMES } from '../targets/reference/faults.js';
import { REFERENCE_VARIANT_NAMES } from '../targets/reference/variants.js';
import { DEPLOYMENTS, HARNESS_FAULTS, TARGET_NAMES, type RunSpec } from '../config/run-plan.js';
import { TARGETS } from '../targets/registry.js';

export interface ParsedArgs {
  plan: RunSpec[];
  playwrightArgs: string[];
}

const OWN_OPTIONS = [
  '--target',
  '--fault',
  '--variant',
  '--harness-fault',
  '--deployment',
  '--target-version',
  '--base-url',
  '--api-base-url',
  '--login',
  '--password',
  '--second-login',
  '--second-password',
] as const;
type OwnOption = (typeof OWN_OPTIONS)[number];

const OptionsSchema = z
  .object({
    '--target': z.enum(TARGET_NAMES, { error: `--target must be one of: ${TARGET_NAMES.join(', ')}` }).default('reference'),
    '--fault': z.string().optional(),
    '--variant': z.enum(REFERENCE_VARIANT_NAMES, { error: `--variant must be one of: ${REFERENCE_VARIANT_NAMES.join(', ')}` }).optional(),
    '--harness-fault': z.enum(HARNESS_FAULTS, { error: `--harness-fault must be one of: ${HARNESS_FAULTS.join(', ')}` }).optional(),
    '--deployment': z.enum(DEPLOYMENTS, { error: `--deployment must be one of: ${DEPLOYMENTS.join(', ')}` }).default('direct'),
    '--target-version': z.string().regex(/^[0-9A-Za-z.+-]+$/, '--target-version looks wrong').optional(),
    '--base-url': z.url({ error: '--base-url must be an absolute URL, e.g. http://gateway.localhost:4444' }).optional(),
    '--api-base-url': z.url({ error: '--api-base-url must be an absolute URL, e.g. http://127.0.0.1:4444' }).optional(),
    '--login': z.string().optional(),
    '--password': z.string().optional(),
    '--second-login': z.string().optional(),
    '--second-password': z.string().optional(),
  })
  .superRefine((o, ctx) => {
    if (o['--fault'] !== undefined && o['--target'] !== 'reference') {
      ctx.addIssue({ code: 'custom', message: '--fault only applies to the reference gateway' });
    }
    if (o['--variant'] !== undefined && o['--target'] !== 'reference') {
      ctx.addIssue({ code: 'custom', message: '--variant only applies to the reference gateway' });
    }
    if (o['--fault'] !== undefined && !isFaultModeName(o['--fault'])) {
      ctx.addIssue({ code: 'custom', message: `unknown fault mode "${o['--fault']}"; valid: ${FAULT_MODE_NAMES.join(', ')}` });
    }
    for (const message of TARGETS[o['--target']].checkOptions?.({ version: o['--target-version'], baseUrl: o['--base-url'] }) ?? []) {
      ctx.addIssue({ code: 'custom', message });
    }
    if (o['--base-url'] && (!o['--login'] || !o['--password'])) {
      ctx.addIssue({ code: 'custom', message: '--base-url needs --login and --password of an admin account' });
    }
  });

/** Splits argv into our options and Playwright's, then validates ours. Throws one readable line on bad input. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const own: Partial<Record<OwnOption, string>> = {};
  const playwrightArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inlineValue] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if ((OWN_OPTIONS as readonly string[]).includes(name)) {
      const value = inlineValue ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
      own[name as OwnOption] = value;
    } else {
      playwrightArgs.push(arg);
    }
  }
  const parsed = OptionsSchema.safeParse(own);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const o = parsed.data;
  const settings: Record<string, unknown> = {};
  if (o['--target-version']) settings['version'] = o['--target-version'];
  if (o['--variant']) settings['variant'] = o['--variant'];
  // Attach mode: the browser origin, where Node reaches the same server (Node cannot resolve *.localhost),
  // an admin account, and optionally a second account (else the adapter creates one).
  if (o['--base-url']) settings['baseUrl'] = o['--base-url'];
  if (o['--api-base-url']) settings['apiBaseUrl'] = o['--api-base-url'];
  if (o['--login'] && o['--password']) settings['admin'] = { email: o['--login'], password: o['--password'] };
  if (o['--second-login'] && o['--second-password']) settings['bob'] = { email: o['--second-login'], password: o['--second-password'] };
  const fault = o['--fault'] ?? null;
  const deployment = o['--deployment'];
  const id = [o['--target'], o['--target-version'], o['--variant'], fault, o['--harness-fault'], deployment === 'direct' ? undefined : deployment].filter(Boolean).join('@');
  return {
    plan: [{ id, target: o['--target'], faultMode: fault, harnessFault: o['--harness-fault'] ?? null, deployment, only: [], settings }],
    playwrightArgs,
  };
}
