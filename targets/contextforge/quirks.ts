/**
 * Per-release behaviour the adapter must mirror (not judge): what the gateway's own pages send with a
 * Fetch Tools POST, and how it treats a same-site sibling origin. Verified on 1.0.0rc1, 1.0.7, 1.0.8, 1.1.0;
 * the thresholds in between come from reading the releases' source.
 */
import type { SiblingPolicy } from '../target.js';
import { compareContextForgeVersions } from './versions.js';
import { parsePep440 } from './pep440.js';

export interface ContextForgeQuirks {
  /**
   * The declared policy: ContextForge's fetch-tools CSRF check (from 1.0.1) requires Origin = APP_DOMAIN,
   * i.e. it rejects same-site siblings. Releases before it have no check at all; that is not a different
   * policy but the defect XSITE-06 exists to find, so they declare the same policy and carry a baseline entry.
   */
  siblingPolicy: SiblingPolicy;
  /** The pages send `Accept: application/json` and `X-CSRF-Token` (from the CSRF cookie). rc1 sends neither (rc2 added them). */
  pagesSendCsrfHeader: boolean;
  /**
   * The admin gateways table (the menu table, from 1.0.0) has a Refresh Tools control, POST /gateways/ID/tools/refresh:
   * a second state-changing endpoint with its own CSRF check. rc1 has no such control.
   */
  hasTableRefreshEndpoint: boolean;
}

/**
 * What GET /version says, in the PyPI spelling: `1.0.0-RC-1` → `1.0.0rc1`, and `1.0.7-20260921` (PEP 440's implicit
 * post-release, how 1.0.7.post20260921 reports itself) → `1.0.7.post20260921`.
 */
export function pypiVersionOf(reported: string): string {
  const text = reported.trim();
  const rc = /^(\d+\.\d+\.\d+)-RC-?(\d+)$/i.exec(text);
  if (rc) return `${rc[1]}rc${rc[2]}`;
  const post = /^(\d+\.\d+\.\d+)-(\d+)$/.exec(text);
  if (post) return `${post[1]}.post${post[2]}`;
  return text;
}

/**
 * The quirks of the release that reports `version`. A version the adapter cannot read is refused, never taken for
 * the oldest release: 1.0.7.post20260921's `1.0.7-20260921` once read as older than rc2, so the adapter sent none of
 * the pages' anti-CSRF header, its own-page requests were refused and read as the gateway's failures (TOKEN-06), as
 * not testable (XSITE-14), and the table's endpoint was left out of XSITE-12's list.
 */
export function quirksFor(version: string): ContextForgeQuirks {
  const v = pypiVersionOf(version);
  if (parsePep440(v) === null) {
    throw new Error(`ContextForge reports its version as "${version}", which the adapter cannot read as a release, so it cannot tell which release's pages to mirror (targets/contextforge/quirks.ts pypiVersionOf)`);
  }
  return {
    siblingPolicy: 'reject',
    pagesSendCsrfHeader: compareContextForgeVersions(v, '1.0.0rc2') >= 0,
    hasTableRefreshEndpoint: compareContextForgeVersions(v, '1.0.0') >= 0,
  };
}
