/**
 * Per-release behaviour the adapter must mirror (not judge): what the gateway's own pages send with a
 * Fetch Tools POST, and how it treats a same-site sibling origin. Verified on 1.0.0rc1, 1.0.7, 1.0.8, 1.1.0;
 * the thresholds in between come from reading the releases' source.
 */
import type { SiblingPolicy } from '../target.js';
import { compareContextForgeVersions } from './versions.js';

export interface ContextForgeQuirks {
  /**
   * The declared policy: ContextForge's fetch-tools CSRF check (from 1.0.1) requires Origin = APP_DOMAIN,
   * i.e. it rejects same-site siblings. Releases before it have no check at all; that is not a different
   * policy but the defect XSITE-06 exists to find, so they declare the same policy and carry a baseline entry.
   */
  siblingPolicy: SiblingPolicy;
  /** The pages send `Accept: application/json` and `X-CSRF-Token` (from the CSRF cookie). rc1 sends neither (rc2 added them). */
  pagesSendCsrfHeader: boolean;
}

/** `1.0.0-RC-1` (what GET /version says) → `1.0.0rc1` (the PyPI spelling). */
export function pypiVersionOf(reported: string): string {
  const m = /^(\d+\.\d+\.\d+)-RC-?(\d+)$/i.exec(reported.trim());
  return m ? `${m[1]}rc${m[2]}` : reported.trim();
}

export function quirksFor(version: string): ContextForgeQuirks {
  const v = pypiVersionOf(version);
  return {
    siblingPolicy: 'reject',
    pagesSendCsrfHeader: compareContextForgeVersions(v, '1.0.0rc2') >= 0,
  };
}
