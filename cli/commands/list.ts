/** `list`: the requirement catalogue, with the fault modes that must trip each requirement and its specs. */
import path from 'node:path';
import { z } from 'zod';
import { FAMILY_TITLES, REQUIREMENTS, type Family } from '../../catalogue/requirements.js';
import { catalogueEntries, formatEntries, readSpecSources } from '../catalogue-view.js';
import { firstIssue, parseCommandArgs, PROGRAM, type Command } from './command.js';

const IDS = REQUIREMENTS.map((r) => r.id) as string[];
const FAMILIES = Object.keys(FAMILY_TITLES) as [Family, ...Family[]];

const ListOptions = z.object({
  requirement: z.array(z.string().refine((id) => IDS.includes(id), { error: 'unknown requirement ID (see list without --requirement)' })).default([]),
  family: z.enum(FAMILIES, { error: `--family must be one of: ${FAMILIES.join(', ')}` }).optional(),
  json: z.boolean().default(false),
});

export function listCommand(root: string): Command {
  return {
    name: 'list',
    summary: 'the requirement catalogue: level, statement, sources, fault modes that must trip it, specs',
    help: `Usage: ${PROGRAM} list [--requirement <ID>]... [--family <F>] [--json]

Prints every catalogue requirement: ID, level (MUST/SHOULD), statement, normative sources, the reference
gateway's fault modes that must trip it (targets/reference/faults.ts detectedBy) and the spec files that
test it (found by their req('ID') tag under specs/).

  --requirement <ID>  only this requirement (repeatable)
  --family <F>        only one family: ${FAMILIES.join(', ')}
  --json              a JSON array instead of text

Exit codes: 0 printed; 2 an unknown ID or family.`,
    async run(argv) {
      const { values } = parseCommandArgs('list', argv, {
        requirement: { type: 'string', multiple: true },
        family: { type: 'string' },
        json: { type: 'boolean' },
      });
      const parsed = ListOptions.safeParse(values);
      if (!parsed.success) throw firstIssue('list', parsed.error.issues);
      const o = parsed.data;
      const entries = catalogueEntries(readSpecSources(root, path.join(root, 'specs'))).filter(
        (e) => (o.requirement.length === 0 || o.requirement.includes(e.id)) && (o.family === undefined || e.family === o.family),
      );
      process.stdout.write(o.json ? `${JSON.stringify(entries, null, 2)}\n` : formatEntries(entries));
      return 0;
    },
  };
}
