import { homedir } from 'node:os';
import { join } from 'node:path';

/** The harness's cache folder: `${XDG_CACHE_HOME:-~/.cache}/mcp-gateway-conformance` (venvs, uv, npm copies, PyPI answers). */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(base, 'mcp-gateway-conformance');
}
