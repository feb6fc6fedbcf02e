/**
 * catalogue/traceability.ts as Markdown, for people reviewing the catalogue against its sources: per
 * document its URL, how many sentences are tied or excluded, and one row per sentence; then the
 * requirements that rest on our judgement alone. `mcp-gateway-conformance traceability` prints it.
 */
import { SOURCES, type Source } from '../catalogue/sources.js';
import { CITED_FOR_DEFINITIONS, OWN_DUTIES, TRACEABILITY, type TracedSentence } from '../catalogue/traceability.js';

/** A table cell: pipes and line breaks would split the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function row(s: TracedSentence): string {
  const target = s.requirements !== undefined ? s.requirements.join(', ') : `excluded: ${s.excluded}`;
  return `| ${cell(s.section)} | ${s.keyword} | ${cell(s.text)}${s.paraphrase ? ' *(paraphrase)*' : ''} | ${cell(target)} |`;
}

export interface SourceCounts {
  source: Source;
  tied: number;
  excluded: number;
}

export function traceabilityCounts(): SourceCounts[] {
  return SOURCES.map((source) => {
    const own = TRACEABILITY.filter((s) => s.source === source);
    return { source, tied: own.filter((s) => s.requirements !== undefined).length, excluded: own.filter((s) => s.excluded !== undefined).length };
  }).filter((c) => c.tied + c.excluded > 0);
}

export function traceabilityMarkdown(): string {
  const lines = ['# Traceability', '', 'Each normative sentence of the documents the catalogue cites, tied to requirement IDs or excluded with a reason (catalogue/traceability.ts).', ''];
  lines.push('| document | tied | excluded |', '|---|---|---|');
  for (const c of traceabilityCounts()) lines.push(`| [${c.source.label}](${c.source.url}) | ${c.tied} | ${c.excluded} |`);
  for (const c of traceabilityCounts()) {
    lines.push('', `## ${c.source.label}: ${c.source.title}`, '', c.source.url, '', '| section | keyword | sentence | requirements |', '|---|---|---|---|');
    for (const s of TRACEABILITY.filter((x) => x.source === c.source)) lines.push(row(s));
  }
  if (CITED_FOR_DEFINITIONS.size > 0) {
    lines.push('', '## Cited for definitions, not for keywords', '');
    for (const [source, why] of CITED_FOR_DEFINITIONS) lines.push(`- [${source.label}](${source.url}): ${why}`);
  }
  lines.push('', '## Our own duties (no normative sentence states them for a gateway)', '');
  for (const [id, why] of OWN_DUTIES) lines.push(`- ${id}: ${why}`);
  return `${lines.join('\n')}\n`;
}
