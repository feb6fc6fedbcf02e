/**
 * The requirement catalogue as `mcp-gateway-conformance list` shows it: each requirement with the fault
 * modes of the reference gateway that must trip it (targets/reference/faults.ts `detectedBy`) and the spec
 * files that test it, found by their `req('ID')` tag — the same tag the reporter reads, so a spec that is
 * listed here is one the report counts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REQUIREMENTS, type Family, type Level } from '../catalogue/requirements.js';
import { FAULT_MODES } from '../targets/reference/faults.js';
import { formatSource } from '../catalogue/sources.js';

export interface CatalogueEntry {
  id: string;
  family: Family;
  level: Level;
  statement: string;
  sources: readonly string[];
  faultModes: string[];
  specs: string[];
}

export interface SpecSource {
  /** Path relative to the repository root, e.g. specs/session/fetch-tools.spec.ts. */
  path: string;
  text: string;
}

const REQ_TAG = /\breq\(\s*['"]([A-Z]+-\d{2})['"]\s*\)/g;

/** Requirement ID → spec files tagging it. */
export function specsByRequirement(sources: readonly SpecSource[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const source of sources) {
    for (const m of source.text.matchAll(REQ_TAG)) {
      const id = m[1] ?? '';
      const list = out.get(id) ?? [];
      if (!list.includes(source.path)) list.push(source.path);
      out.set(id, list);
    }
  }
  return out;
}

/** Reads every *.spec.ts under `specsDir`, with paths relative to `root`. */
export function readSpecSources(root: string, specsDir = path.join(root, 'specs')): SpecSource[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? walk(full) : e.isFile() && e.name.endsWith('.spec.ts') ? [full] : [];
    });
  return walk(specsDir)
    .sort()
    .map((file) => ({ path: path.relative(root, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') }));
}

export function catalogueEntries(sources: readonly SpecSource[]): CatalogueEntry[] {
  const specs = specsByRequirement(sources);
  return REQUIREMENTS.map((r) => ({
    id: r.id,
    family: r.family,
    level: r.level,
    statement: r.statement,
    sources: r.sources.map(formatSource),
    faultModes: FAULT_MODES.filter((f) => (f.detectedBy as readonly string[]).includes(r.id)).map((f) => f.mode),
    specs: specs.get(r.id) ?? [],
  }));
}

export function formatEntries(entries: readonly CatalogueEntry[]): string {
  return entries
    .map((e) =>
      [
        `${e.id}  ${e.level}  (${e.family})`,
        `  ${e.statement}`,
        `  sources: ${e.sources.join('; ')}`,
        `  fault modes that must trip it: ${e.faultModes.length > 0 ? e.faultModes.join(', ') : '(none)'}`,
        `  specs: ${e.specs.length > 0 ? e.specs.join(', ') : '(none)'}`,
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}
