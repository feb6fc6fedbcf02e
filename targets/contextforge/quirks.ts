/**
 * Per-release behaviour the adapter must mirror (not judge): what the gateway's own pages send with a
 * Fetch Tools POST, and how it treats a same-site sibling origin. Verified on 1.0.0rc1, 1.0.7, 1.0.8;
 * the thresholds in between come from reading the releases' source.
 */
import type { SiblingPolicy } from '../target.js';
import { compareContextForgeVersions } from './versions.js';

export interface ContextForgeQuirks {
  /**
   * Fetch-tools CSRF check (Origin must be APP_DOMAIN, cookie `mcpgateway_csrf_token` must equal
   * `X-CSRF-Token`) exists from 1.0.1. Before it, any same-site page carrying the Lax session cookie is
   * accepted, i.e. the sibling is allowed.
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
    siblingPolicy: compareContextForgeVersions(v, '1.0.1') >= 0 ? 'reject' : 'allow',
    pagesSendCsrfHeader: compareContextForgeVersions(v, '1.0.0rc2') >= 0,
  };
}
