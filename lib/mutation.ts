/**
 * Mutants of the reference gateway's correct code: small, mechanical changes of one line each (a comparison
 * turned around, a condition forced, a statement left out), the shapes real bugs take. `npm run mutants` runs
 * the suite against a sample of them: a mutant the suite lets pass is a bug some gateway could ship certified.
 * The fault modes prove each requirement can fail; mutants ask the other question, whether a bug nobody wrote a
 * fault mode for is caught. Line-based on purpose (no parser): a mutant that does not even run is still caught
 * (the run is not a pass), and the operators need no more than one line's text.
 */

export interface Mutant {
  /** Stable id: file, line and the operator's occurrence on the line, e.g. `auth.ts:42:negate-equality#0`. */
  id: string;
  file: string;
  /** 1-based. */
  line: number;
  operator: MutationOperator;
  original: string;
  mutated: string;
}

export type MutationOperator =
  | 'negate-equality'
  | 'swap-logical'
  | 'force-condition'
  | 'shift-boundary'
  | 'drop-negation'
  | 'drop-statement'
  | 'flip-boolean'
  | 'widen-string-match'
  | 'drop-case-fold';

/** Lines no mutant touches: fault-mode code (already a fault of its own), comments, imports, types, logging. */
const SKIPPED_LINE =
  /faults\[|faults\.|BUG \(|^\s*(?:\/\/|\/?\*)|^\s*import\b|^\s*export\s+(?:type|interface)\b|^\s*(?:type|interface)\b|\blog\.|console\.|^\s*$/;

/** Each occurrence of `find` in `line`, replaced one at a time. */
function eachReplacement(line: string, find: RegExp, replace: (match: string) => string): string[] {
  const out: string[] = [];
  const global = new RegExp(find.source, find.flags.includes('g') ? find.flags : `${find.flags}g`);
  for (const m of line.matchAll(global)) {
    const at = m.index ?? 0;
    out.push(`${line.slice(0, at)}${replace(m[0])}${line.slice(at + m[0].length)}`);
  }
  return out;
}

/** The text between the parenthesis opening at `open` and its match on the same line, or undefined. */
function parenthesised(line: string, open: number): { inner: string; close: number } | undefined {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return { inner: line.slice(open + 1, i), close: i };
  }
  return undefined;
}

type Operator = (line: string) => string[];

const OPERATORS: Record<MutationOperator, Operator> = {
  'negate-equality': (line) => eachReplacement(line, /[!=]==/, (m) => (m === '===' ? '!==' : '===')),
  'swap-logical': (line) => eachReplacement(line, / (?:&&|\|\|) /, (m) => (m === ' && ' ? ' || ' : ' && ')),
  // An `if` whose check always passes or never does: the check left out, or the branch made unconditional.
  'force-condition': (line) => {
    const out: string[] = [];
    for (const m of line.matchAll(/\bif \(/g)) {
      const open = (m.index ?? 0) + 3;
      const p = parenthesised(line, open);
      if (p === undefined) continue;
      for (const forced of ['true', 'false']) out.push(`${line.slice(0, open + 1)}${forced}${line.slice(p.close)}`);
    }
    return out;
  },
  'shift-boundary': (line) =>
    eachReplacement(line, / (?:<=|>=|<|>) /, (m) => ({ ' <= ': ' < ', ' >= ': ' > ', ' < ': ' <= ', ' > ': ' >= ' })[m] ?? m),
  'drop-negation': (line) => eachReplacement(line, /!(?=[A-Za-z_$(])/, () => ''),
  // A statement of its own (a call, an assignment, an await) left out: a header not set, a session not deleted.
  'drop-statement': (line) =>
    /^\s*(?:await\s+)?[A-Za-z_$][\w$.]*(?:\[[^\]]*\])?(?:\.[\w$]+)*(?:\(.*\)|\s*[+-]?=\s*.+);\s*$/.test(line) &&
    !/^\s*(?:return|const|let|var|throw)\b/.test(line)
      ? [line.replace(/^(\s*).*$/, '$1/* statement left out */')]
      : [],
  'flip-boolean': (line) => eachReplacement(line, /\b(?:true|false)\b/, (m) => (m === 'true' ? 'false' : 'true')),
  // An exact or anchored string check loosened to a substring one: the prefix and suffix bugs of origin,
  // issuer and redirect checks.
  'widen-string-match': (line) => eachReplacement(line, /\.(?:startsWith|endsWith)\(/, () => '.includes('),
  'drop-case-fold': (line) => eachReplacement(line, /\.to(?:Lower|Upper)Case\(\)/, () => ''),
};

export const MUTATION_OPERATORS = Object.keys(OPERATORS) as MutationOperator[];

const indentOf = (line: string): number => line.length - line.trimStart().length;
const BLANK_OR_COMMENT = /^\s*(?:$|\/\/|\/?\*)/;
/** Names a fault as the condition for what follows (`faults['x']`, not `!faults['x']`, whose block is the correct path), or marks a bug. */
const FAULT_NAMED = /(?:^|[^!\w.#])[\w.#]*faults\[|BUG \(/;
/** A helper's doc comment saying only a fault uses it: "(fault x)", "(the cors-* faults; …)". */
const FAULT_ONLY_HELPER = /\(fault [a-z-]+\)|\(the [a-z*-]+ faults?[;)]/;
/** `if (!ctx.faults['x']) return …`: what follows in the block runs only under the fault. */
const FAULT_GUARD = /if \(!\s*[\w.]*faults\[[^\]]+\]\)\s*return\b/;

/**
 * Lines (1-based) that are fault-mode code although they do not name a fault themselves: inside a block opened
 * by a line that names one (or under a doc comment that does), or after a guard that returns unless the fault is
 * on. Mutating them changes nothing the correct gateway runs.
 */
export function faultCodeLines(text: string): Set<number> {
  const lines = text.split('\n');
  const out = new Set<number>();
  lines.forEach((line, i) => {
    if (BLANK_OR_COMMENT.test(line)) return;
    let indent = indentOf(line);
    // Earlier lines of the same block, then each enclosing opener (with the comments right above it).
    for (let j = i - 1; j >= 0; j--) {
      const above = lines[j] ?? '';
      if (/^\s*$/.test(above)) continue;
      const aboveIndent = indentOf(above);
      if (aboveIndent === indent && FAULT_GUARD.test(above)) {
        out.add(i + 1);
        return;
      }
      if (aboveIndent < indent && !BLANK_OR_COMMENT.test(above)) {
        const opening = [above];
        for (let k = j - 1; k >= 0 && BLANK_OR_COMMENT.test(lines[k] ?? '') && !/^\s*$/.test(lines[k] ?? ''); k--) opening.push(lines[k] ?? '');
        // A `//` comment above a check often describes the fault that skips it; only a doc comment speaks for the block.
        const speaksForBlock = (l: string): boolean => !BLANK_OR_COMMENT.test(l) || /^\s*\/?\*/.test(l);
        if (opening.some((l) => speaksForBlock(l) && (FAULT_NAMED.test(l) || FAULT_ONLY_HELPER.test(l)))) {
          out.add(i + 1);
          return;
        }
        indent = aboveIndent;
      }
    }
  });
  return out;
}

/** Every mutant of one file's text (`file` names it in ids), fault-mode code left out. */
export function mutantsOf(file: string, text: string): Mutant[] {
  const out: Mutant[] = [];
  const lines = text.split('\n');
  const faultCode = faultCodeLines(text);
  lines.forEach((original, i) => {
    if (SKIPPED_LINE.test(original) || faultCode.has(i + 1)) return;
    for (const operator of MUTATION_OPERATORS) {
      const variants = [...new Set(OPERATORS[operator](original))].filter((m) => m !== original);
      variants.forEach((mutated, k) => out.push({ id: `${file}:${i + 1}:${operator}#${k}`, file, line: i + 1, operator, original, mutated }));
    }
  });
  return out;
}

/** `text` with the mutant's line replaced (the line must still read as the mutant expects: a stale mutant throws). */
export function applyMutant(text: string, mutant: Mutant): string {
  const lines = text.split('\n');
  if (lines[mutant.line - 1] !== mutant.original) throw new Error(`${mutant.id}: line ${mutant.line} no longer reads as the mutant expects`);
  lines[mutant.line - 1] = mutant.mutated;
  return lines.join('\n');
}

/** A seeded pseudo-random sample of `count` items (mulberry32): the same seed gives the same sample, so a run can be repeated. */
export function sample<T>(items: readonly T[], count: number, seed: number): T[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, Math.min(count, pool.length));
}
