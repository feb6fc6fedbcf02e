/**
 * The part of PEP 440 this harness needs: ordering the release strings PyPI lists for a project
 * (`1.0.0rc1` < `1.0.0` < `1.0.7` < `1.0.7.post20260921` < `1.0.8`) and deciding whether an
 * interpreter version satisfies a release's `requires_python` (`<3.14,>=3.12`). Normalized spellings
 * only (as PyPI's JSON gives them); local versions (`+abc`) and epochs other than 0 are refused.
 */

export interface Pep440Version {
  /** The string as given. */
  text: string;
  release: number[];
  /** `a`, `b` or `rc` with its number; null for none. */
  pre: { phase: 'a' | 'b' | 'rc'; n: number } | null;
  post: number | null;
  dev: number | null;
}

const VERSION = /^v?(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?$/i;

/** The parsed version, or null when `text` is not a normalized PEP 440 public version. */
export function parsePep440(text: string): Pep440Version | null {
  const m = VERSION.exec(text.trim());
  if (!m?.[1]) return null;
  return {
    text,
    release: m[1].split('.').map(Number),
    pre: m[2] && m[3] !== undefined ? { phase: m[2].toLowerCase() as 'a' | 'b' | 'rc', n: Number(m[3]) } : null,
    post: m[4] === undefined ? null : Number(m[4]),
    dev: m[5] === undefined ? null : Number(m[5]),
  };
}

/** A pre-release (`a`, `b`, `rc`) or development release: never picked unless asked for by name. */
export function isPrerelease(v: Pep440Version): boolean {
  return v.pre !== null || v.dev !== null;
}

const PHASES = { a: 0, b: 1, rc: 2 } as const;

/** The sort key of PEP 440's ordering; release parts padded by the caller. */
function key(v: Pep440Version, length: number): number[] {
  const release = [...v.release, ...Array<number>(Math.max(0, length - v.release.length)).fill(0)];
  // A dev release of a final sorts before its pre-releases (1.0.dev1 < 1.0a1); "no pre" sorts after all of them.
  const pre = v.pre ? [PHASES[v.pre.phase], v.pre.n] : v.dev !== null && v.post === null ? [-1, 0] : [3, 0];
  const post = v.post === null ? -1 : v.post;
  const dev = v.dev === null ? Number.POSITIVE_INFINITY : v.dev;
  return [...release, ...pre, post, dev];
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  const length = Math.max(a.release.length, b.release.length);
  const ka = key(a, length);
  const kb = key(b, length);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] ?? 0;
    const y = kb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Whether an interpreter version (`3.12.1`) satisfies a `requires_python` specifier set (comma-separated
 * clauses, all of which must hold; empty means any). Throws one line for a clause it cannot read, so a
 * specifier it does not understand is never taken as "satisfied".
 */
export function satisfiesRequiresPython(pythonVersion: string, specifier: string): boolean {
  const version = parsePep440(pythonVersion);
  if (!version) throw new Error(`not a Python version: "${pythonVersion}"`);
  return specifier
    .split(',')
    .map((clause) => clause.trim())
    .filter((clause) => clause !== '')
    .every((clause) => satisfiesClause(version, clause, specifier));
}

function satisfiesClause(version: Pep440Version, clause: string, whole: string): boolean {
  const m = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/.exec(clause);
  const unreadable = (): never => {
    throw new Error(`cannot read requires_python "${whole}" (clause "${clause}")`);
  };
  if (!m?.[1] || !m[2]) return unreadable();
  const op = m[1];
  const target = m[2];
  if (op === '===') return version.text.trim() === target;
  if (target.endsWith('.*')) {
    if (op !== '==' && op !== '!=') return unreadable();
    const prefix = parsePep440(target.slice(0, -2));
    if (!prefix || isPrerelease(prefix) || prefix.post !== null) return unreadable();
    const matches = prefix.release.every((part, i) => (version.release[i] ?? 0) === part);
    return op === '==' ? matches : !matches;
  }
  const bound = parsePep440(target);
  if (!bound) return unreadable();
  const c = comparePep440(version, bound);
  switch (op) {
    case '==':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '~=': {
      // ~=3.12 means >=3.12, ==3.*; ~=3.12.1 means >=3.12.1, ==3.12.*.
      if (bound.release.length < 2) return unreadable();
      const prefix = bound.release.slice(0, -1);
      return c >= 0 && prefix.every((part, i) => (version.release[i] ?? 0) === part);
    }
    default:
      return unreadable();
  }
}
