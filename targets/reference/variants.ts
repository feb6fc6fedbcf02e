/**
 * Design variants of the reference gateway: each is a *correct* gateway built differently from the default, the way
 * real gateways and clients are. A spec that only the default design passes fails a correct target: an unearned
 * failure, as wrong as an unearned pass. `npm run selftest` runs every variant against the requirements it touches;
 * they must pass, and the evidence must show the spec took the variant's path (a variant the spec never noticed
 * proves nothing about that path).
 */
export interface ReferenceVariant {
  /** The flag, as the reference target's `variant` setting takes it. */
  variant: string;
  /** How this correct design differs from the default, in one sentence. */
  design: string;
  /** Requirement ID → the boolean evidence entry its test must record as true against this variant. */
  provenBy: Readonly<Record<string, string>>;
}

export const REFERENCE_VARIANTS = [
  {
    variant: 'pending-ends-on-wrong-callback',
    design:
      'A callback with an unknown or missing state ends every authorization the presenting session has pending, and a state presented from another session is used up: fail-closed, as session-pop gateways and one-sign-in-per-tab clients (MCP Inspector) do.',
    provenBy: { 'FLOW-06': 'pendingAuthorizationEndedByAForgery', 'FLOW-08': 'stateBurnedByBobsAttempt' },
  },
] as const satisfies readonly ReferenceVariant[];

export type ReferenceVariantName = (typeof REFERENCE_VARIANTS)[number]['variant'];
export const REFERENCE_VARIANT_NAMES = REFERENCE_VARIANTS.map((v) => v.variant) as [ReferenceVariantName, ...ReferenceVariantName[]];
