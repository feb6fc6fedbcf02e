/** The Inspector target's settings (from the CLI's run plan), validated here and nowhere else. */
import { z } from 'zod';

/** The release verified against this adapter (notes: docs of this folder's adapter). */
export const DEFAULT_INSPECTOR_VERSION = '2.12.0';

export const InspectorSettingsSchema = z
  .object({
    /** An npm version of @modelcontextprotocol/inspector (2.x: one process serving the UI and its API). */
    version: z
      .string()
      .regex(/^2\.\d+\.\d+$/, 'the inspector target drives Inspector 2.x (an npm version such as 2.12.0)')
      .default(DEFAULT_INSPECTOR_VERSION),
  })
  .strict();

export type InspectorSettings = z.infer<typeof InspectorSettingsSchema>;

/** The settings, or one readable line naming what is wrong. */
export function parseInspectorSettings(raw: Record<string, unknown>): InspectorSettings {
  const parsed = InspectorSettingsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`inspector: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
