import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './run-command.js';

/**
 * Finds a CPython interpreter of exactly `major.minor`. pyenv shims on PATH answer "command not
 * found" for versions that are installed but not selected, so each candidate is run and asked for
 * its version instead of being trusted by name.
 */
export async function findPython(minor: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates = await pythonCandidates(minor, env);
  for (const candidate of candidates) {
    if ((await pythonVersionOf(candidate, env)) === minor) return candidate;
  }
  throw new Error(
    `python${minor} not found (looked for python${minor} on PATH, in pyenv versions and /usr/bin, /usr/local/bin)`,
  );
}

async function pythonCandidates(minor: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const out: string[] = [];
  const pyenvRoot = env['PYENV_ROOT'] ?? join(env['HOME'] ?? homedir(), '.pyenv');
  try {
    const versions = (await readdir(join(pyenvRoot, 'versions')))
      .filter((name) => name === minor || name.startsWith(`${minor}.`))
      // Newest patch release first.
      .sort((a, b) => comparePatch(b, a));
    for (const v of versions) out.push(join(pyenvRoot, 'versions', v, 'bin', `python${minor}`));
  } catch {
    // No pyenv here: PATH and system locations below.
  }
  out.push(`python${minor}`, `/usr/bin/python${minor}`, `/usr/local/bin/python${minor}`);
  return out;
}

function comparePatch(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `major.minor` reported by the interpreter, or null when it does not run. */
export async function pythonVersionOf(executable: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const result = await runCommand(executable, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { env });
  if (result.code !== 0) return null;
  const v = result.stdout.trim();
  return /^\d+\.\d+$/.test(v) ? v : null;
}
