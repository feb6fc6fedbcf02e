/**
 * The settings of a target this suite installs from npm by version (Inspector, n8n): a `version` of the
 * major line the adapter drives, defaulting to the release verified against it. Validated here and nowhere else.
 */
import { z } from 'zod';

export interface NpmReleaseSettings {
  version: string;
}

/** A parser for one target's settings: `name` prefixes every message; `major` is the line (e.g. 2) it accepts. */
export function npmReleaseSettingsParser(name: string, what: string, major: number, verified: string): (raw: Record<string, unknown>) => NpmReleaseSettings {
  const schema = z
    .object({
      version: z
        .string()
        .regex(new RegExp(`^${major}\\.\\d+\\.\\d+$`), `the ${name} target drives ${what} ${major}.x (an npm version such as ${verified})`)
        .default(verified),
    })
    .strict();
  return (raw) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ')}`);
    return parsed.data;
  };
}
