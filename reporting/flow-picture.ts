/**
 * Draws a flow timeline (fixtures/flow-timeline.ts) as an inline SVG sequence picture: one lane per party
 * (browser, gateway, IdP, MCP server), one arrow per request, refused requests in red. Inline SVG keeps
 * the HTML report one self-contained file; every label is escaped, since outcomes echo gateway input.
 */
import { z } from 'zod';
import { FLOW_PARTIES, type FlowParty, type FlowStep } from '../fixtures/flow-timeline.js';
import { escapeHtml } from '../lib/html.js';

/** The timeline as it comes back from conformance.json (external input: validated, never trusted). */
export const FlowTimelineSchema = z.object({
  steps: z.array(
    z.object({
      at: z.string(),
      from: z.enum(FLOW_PARTIES),
      to: z.enum(FLOW_PARTIES),
      what: z.string(),
      status: z.number(),
      outcome: z.string(),
      user: z.string().optional(),
    }),
  ),
  leftOut: z.number().int().nonnegative(),
});

const LANE_TITLE: Record<FlowParty, string> = { browser: 'Browser', gateway: 'Gateway', idp: 'IdP (mock)', mcp: 'MCP server (mock)' };
const LANE_GAP = 190;
const MARGIN = 80;
const ROW = 24;
const HEAD = 34;

function laneX(party: FlowParty): number {
  return MARGIN + FLOW_PARTIES.indexOf(party) * LANE_GAP;
}

/**
 * A refusal, an error status or an outcome other than ok draws in red: that is where to look first. Not a
 * 405 to a GET at the MCP server: that is how a Streamable HTTP server says it offers no event stream,
 * which clients ask for as a matter of course.
 */
export function isTroubleStep(step: Pick<FlowStep, 'to' | 'what' | 'status' | 'outcome'>): boolean {
  if (step.to === 'mcp' && step.what === 'GET' && step.status === 405) return false;
  return step.status >= 400 || !/^ok\b/.test(step.outcome);
}

/** Arrow heads in a fixed colour (SVG's context-stroke is not drawn by every browser). */
function marker(id: string, colour: string): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
}

function label(step: FlowStep): string {
  const who = step.user ? ` [${step.user}]` : '';
  const outcome = step.outcome === 'ok' ? '' : ` ${step.outcome}`;
  return `${step.what} → ${step.status}${outcome}${who}`.slice(0, 70);
}

/**
 * The SVG markup for a timeline; an empty string when nothing was recorded. `key` makes the arrow-head ids
 * unique in the page: a `url(#id)` resolves to the first element with that id, and one inside a folded
 * <details> is not rendered, so shared ids would draw no arrow heads at all.
 */
export function renderFlowPicture(timeline: { steps: readonly FlowStep[]; leftOut: number }, key: string): string {
  if (timeline.steps.length === 0) return '';
  const id = `flow-${key.replace(/[^A-Za-z0-9-]/g, '-')}`;
  const width = MARGIN * 2 + LANE_GAP * (FLOW_PARTIES.length - 1);
  const height = HEAD + ROW * (timeline.steps.length + 1);
  const out: string[] = [
    `<svg class="flow" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="requests the mocks recorded, in order">`,
    `<defs>${marker(`${id}-arrow`, '#37474f')}${marker(`${id}-trouble`, '#c62828')}</defs>`,
  ];
  for (const party of FLOW_PARTIES) {
    const x = laneX(party);
    out.push(`<text x="${x}" y="16" text-anchor="middle" class="lane">${escapeHtml(LANE_TITLE[party])}</text>`);
    out.push(`<line x1="${x}" y1="${HEAD - 10}" x2="${x}" y2="${height}" class="lifeline"/>`);
  }
  timeline.steps.forEach((step, i) => {
    const y = HEAD + ROW * i + ROW / 2;
    const from = laneX(step.from);
    const to = laneX(step.to);
    const trouble = isTroubleStep(step);
    const cls = trouble ? 'call trouble' : 'call';
    out.push(`<line x1="${from}" y1="${y}" x2="${to}" y2="${y}" class="${cls}" marker-end="url(#${id}-${trouble ? 'trouble' : 'arrow'})"/>`);
    const textX = Math.min(from, to) + 6;
    out.push(`<text x="${textX}" y="${y - 4}" class="${cls}"><title>${escapeHtml(step.at)}</title>${escapeHtml(label(step))}</text>`);
  });
  if (timeline.leftOut > 0) {
    out.push(`<text x="${MARGIN}" y="${height - 6}" class="lane">… ${timeline.leftOut} later requests not shown</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
