/**
 * Where the reference gateway's correct code went unreached by a conformance run. A check of the reference that
 * no spec ever makes run (a token response validated, a metadata issuer compared, an expired grant with nothing to
 * renew it) is a check a broken gateway can leave out without any spec noticing: the place to design a new shape.
 * Fault-mode branches are unreached by a correct run on purpose and are left out: a run of unreached lines is
 * fault code when it, or the few lines that open it, name a fault (`faults['…']`) or mark a bug (`BUG (…)`).
 */

/** Per source file: hit counts by line, and the lines with a branch no run took (lcov DA and BRDA records). */
export interface FileCoverage {
  lines: Map<number, number>;
  untakenBranchLines: Set<number>;
}

/** Parses an lcov tracefile (`SF:`, `DA:line,hits`, `BRDA:line,block,branch,taken`, `end_of_record`). */
export function parseLcov(text: string): Map<string, FileCoverage> {
  const files = new Map<string, FileCoverage>();
  let current: FileCoverage | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) {
      current = { lines: new Map(), untakenBranchLines: new Set() };
      files.set(line.slice(3), current);
    } else if (line.startsWith('DA:') && current !== undefined) {
      const [lineNo, hits] = line.slice(3).split(',').map(Number);
      if (lineNo !== undefined && hits !== undefined && Number.isFinite(lineNo)) current.lines.set(lineNo, hits);
    } else if (line.startsWith('BRDA:') && current !== undefined) {
      const [lineNo, , , taken] = line.slice(5).split(',');
      if ((taken === '0' || taken === '-') && lineNo !== undefined) current.untakenBranchLines.add(Number(lineNo));
    } else if (line === 'end_of_record') {
      current = undefined;
    }
  }
  return files;
}

/** A module that holds one fault's code only (framing-fault.ts, markup-fault.ts): none of it is correct code. */
export function isFaultModule(file: string): boolean {
  return /-fault\.[cm]?[jt]s$/.test(file);
}

/** One stretch of correct code no spec reached (or a line with a branch no spec took): where, and its source. */
export interface UnreachedRun {
  kind: 'lines' | 'branch';
  line: number;
  source: string[];
}

/** At most this many lines above a run count as its opening (a BUG comment block and the line above it). */
const OPENING_LINES = 12;
const COMMENT = /^\s*(?:\/\/|\/?\*)/;
/**
 * `faults['…']`, a `BUG (…)` mark, or a comment that names a fault ("the state-optional fault uses it") or a design
 * variant (correct code of another design, reached by `--variant` runs).
 */
const FAULT_MARK = /faults\[|BUG \(|\b(?:fault|variant)(?:s|'s)?\b/i;
/** Lines that carry no behaviour of their own: a closing brace, a comment, a blank. */
const NO_BEHAVIOUR = /^\s*(?:[}\])]+[;,)]*|\/\/.*|\/?\*.*|)\s*$/;

/**
 * The stretches of `source` (the file's text) whose lines were never hit, fault code left out; also each line
 * with an untaken branch that is not a fault line, as a run of its own.
 */
export function unreachedCorrectCode(source: string, coverage: FileCoverage): UnreachedRun[] {
  const text = source.split('\n');
  const missed = [...coverage.lines].filter(([, hits]) => hits === 0).map(([line]) => line).sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const line of missed) {
    const last = runs.at(-1);
    if (last !== undefined && line === (last.at(-1) ?? 0) + 1) last.push(line);
    else runs.push([line]);
  }
  const out: UnreachedRun[] = [];
  // A run's opening: the comment lines right above it, the code line above those (its `if`, its function's
  // first line), and that line's own doc comment (a helper only fault code calls says so there).
  const opening = (first: number): string[] => {
    const above: string[] = [];
    let codeLines = 0;
    for (let n = first - 1; n >= 1 && above.length < OPENING_LINES; n -= 1) {
      const line = text[n - 1] ?? '';
      if (!COMMENT.test(line) && (codeLines += 1) > 1) break;
      above.push(line);
    }
    return above;
  };
  const isFaultCode = (lines: number[]): boolean =>
    [...opening(lines[0] ?? 1), ...lines.map((n) => text[n - 1] ?? '')].some((l) => FAULT_MARK.test(l));
  for (const lines of runs) {
    if (isFaultCode(lines)) continue;
    const source = lines.map((n) => text[n - 1] ?? '');
    if (source.every((l) => NO_BEHAVIOUR.test(l))) continue;
    out.push({ kind: 'lines', line: lines[0] ?? 0, source });
  }
  const reported = new Set(out.flatMap((r) => r.source.map((_, i) => r.line + i)));
  for (const line of [...coverage.untakenBranchLines].sort((a, b) => a - b)) {
    const code = text[line - 1] ?? '';
    if (reported.has(line) || FAULT_MARK.test(code) || isFaultCode([line])) continue;
    out.push({ kind: 'branch', line, source: [code] });
  }
  return out.sort((a, b) => a.line - b.line);
}
