/**
 * The configuration a certified run used, for the bundle: the command's arguments and the run plan, with
 * every secret removed (passwords of attach mode; the signing key's path is not needed to check anything).
 * A removed value becomes null and its name is listed, so a reader sees that something was there.
 */
import type { RunSpec } from '../config/run-plan.js';

/** Our options whose values are secrets (cli/args.ts); their values never enter the bundle. */
const SECRET_OPTIONS = new Set(['--password', '--second-password']);
/** Options of `run --certify` that concern the bundle, not the run. */
const BUNDLE_OPTIONS = new Set(['--signing-key', '--bundle']);
/** Settings keys (adapter settings) that hold an account; their passwords are removed. */
const ACCOUNT_SETTINGS = new Set(['admin', 'bob']);

export interface ConfigSnapshot {
  argv: (string | null)[];
  plan: RunSpec[];
  /** Environment settings that change what runs. */
  env: Record<string, string>;
  removed: string[];
}

const RELEVANT_ENV = ['CONFORMANCE_WORKERS', 'CHROMIUM_PATH'];

export function configSnapshot(argv: readonly string[], plan: readonly RunSpec[], env: NodeJS.ProcessEnv = process.env): ConfigSnapshot {
  const removed: string[] = [];
  const outArgv: (string | null)[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (BUNDLE_OPTIONS.has(name)) {
      if (eq < 0) i++;
      continue;
    }
    if (SECRET_OPTIONS.has(name)) {
      removed.push(`argv ${name}`);
      outArgv.push(name, null);
      if (eq < 0) i++;
      continue;
    }
    outArgv.push(arg);
  }
  const outPlan = plan.map((run) => {
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(run.settings)) {
      if (ACCOUNT_SETTINGS.has(key) && value !== null && typeof value === 'object') {
        removed.push(`plan ${run.id} settings.${key}.password`);
        settings[key] = { ...(value as Record<string, unknown>), password: null };
      } else {
        settings[key] = value;
      }
    }
    return { ...run, settings };
  });
  const outEnv: Record<string, string> = {};
  for (const name of RELEVANT_ENV) {
    const value = env[name];
    if (value !== undefined) outEnv[name] = value;
  }
  return { argv: outArgv, plan: outPlan, env: outEnv, removed };
}
