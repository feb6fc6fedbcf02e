import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { satisfiesRequiresPython } from './pep440.js';
import { runCommand } from '../../lib/run-command.js';

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

const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin'];

/** An interpreter found on this machine, with the version it reported itself. */
export interface FoundPython {
  executable: string;
  /** `major.minor.micro`, e.g. `3.12.1`. */
  version: string;
}

/**
 * Every CPython 3 interpreter this machine has (pyenv versions, `python3.N` on PATH and in /usr/bin,
 * /usr/local/bin), each asked for its version; the same binary reached twice is listed once.
 */
export async function listPythons(env: NodeJS.ProcessEnv = process.env, systemDirs: readonly string[] = SYSTEM_DIRS): Promise<FoundPython[]> {
  const candidates: string[] = [];
  const pyenvRoot = env['PYENV_ROOT'] ?? join(env['HOME'] ?? homedir(), '.pyenv');
  try {
    for (const name of await readdir(join(pyenvRoot, 'versions'))) {
      const m = /^(3\.\d+)(\.\d+)?$/.exec(name);
      if (m) candidates.push(join(pyenvRoot, 'versions', name, 'bin', `python${m[1]}`));
    }
  } catch {
    // No pyenv here.
  }
  for (let minor = 8; minor <= 20; minor++) {
    candidates.push(`python3.${minor}`, ...systemDirs.map((dir) => join(dir, `python3.${minor}`)));
  }
  const found: FoundPython[] = [];
  const seen = new Set<string>();
  const probes = await Promise.all(candidates.map(async (executable) => ({ executable, probe: await probePython(executable, env) })));
  for (const { executable, probe } of probes) {
    if (!probe || seen.has(probe.real)) continue;
    seen.add(probe.real);
    found.push({ executable, version: probe.version });
  }
  return found;
}

async function probePython(executable: string, env: NodeJS.ProcessEnv): Promise<{ version: string; real: string } | null> {
  const result = await runCommand(
    executable,
    ['-c', 'import os, sys; print("%d.%d.%d" % sys.version_info[:3]); print(os.path.realpath(sys.executable))'],
    { env },
  ).catch(() => null);
  if (!result || result.code !== 0) return null;
  const [version, real] = result.stdout.trim().split('\n').map((l) => l.trim());
  return version && /^3\.\d+\.\d+$/.test(version) && real ? { version, real } : null;
}

/**
 * The interpreter for a release: the lowest `major.minor` that satisfies its `requires_python` (what the
 * release was built and tested against first), the newest micro release of that minor; null when none does.
 * No `requires_python` at all: the lowest interpreter found.
 */
export function pickPython(requiresPython: string | null, found: readonly FoundPython[]): FoundPython | null {
  const ok = found.filter((p) => requiresPython === null || satisfiesRequiresPython(p.version, requiresPython));
  const minor = (p: FoundPython): number[] => p.version.split('.').map(Number);
  const sorted = [...ok].sort((a, b) => {
    const [a0 = 0, a1 = 0, a2 = 0] = minor(a);
    const [b0 = 0, b1 = 0, b2 = 0] = minor(b);
    return a0 - b0 || a1 - b1 || b2 - a2;
  });
  return sorted[0] ?? null;
}

/** `pickPython` on this machine's interpreters, or one line saying which Python is needed and which were found. */
export async function choosePython(
  what: string,
  requiresPython: string | null,
  env: NodeJS.ProcessEnv = process.env,
  systemDirs: readonly string[] = SYSTEM_DIRS,
): Promise<FoundPython> {
  const found = await listPythons(env, systemDirs);
  const chosen = pickPython(requiresPython, found);
  if (chosen) return chosen;
  const have = found.length > 0 ? found.map((p) => p.version).sort().join(', ') : 'none';
  throw new Error(
    `no Python interpreter here satisfies ${what}'s requires_python "${requiresPython ?? ''}" (found: ${have}; looked in pyenv versions, PATH, /usr/bin, /usr/local/bin): install one, e.g. with pyenv`,
  );
}
