import { z } from 'zod';
import type { MockMcpOptions } from './types.js';

/** Tool names embed the run id, so it must stay within the characters MCP allows in tool names. */
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

const optionsSchema = z.object({
  issuer: z.url(),
  jwksUri: z.url(),
  introspectionEndpoint: z.url(),
  isRevoked: z
    .custom<(rawToken: string) => boolean>((value) => typeof value === 'function', { error: 'isRevoked must be a function' })
    .optional(),
  runId: z.string().regex(RUN_ID, { error: 'runId must be 1-64 characters of [A-Za-z0-9_-]' }),
  port: z.number().int().min(0).max(65535).optional(),
  // Loopback only: 127.0.0.2 gives a second host name that is not 127.0.0.1 (another origin by host, not just by port).
  host: z.enum(['127.0.0.1', '127.0.0.2']).optional(),
});

export type ValidatedMockMcpOptions = z.infer<typeof optionsSchema>;

/** Rejects bad options up front with a readable message instead of failing later on the first request. */
export function parseMockMcpOptions(options: MockMcpOptions): ValidatedMockMcpOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`Invalid MockMcpOptions:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
