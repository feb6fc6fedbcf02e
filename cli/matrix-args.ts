/** The options of `npm run matrix` (cli/matrix.ts), vetted into one line per mistake. */
import { parseArgs } from 'node:util';
import { findRequirement } from '../catalogue/requirements.js';
import { targetReleases, type TargetName } from '../targets/registry.js';

export interface MatrixArgs {
  target: TargetName;
  versions: string;
  requirements: string[];
  playwrightArgs: string[];
}

export function parseMatrixArgs(argv: readonly string[]): MatrixArgs {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: {
      target: { type: 'string' },
      versions: { type: 'string' },
      requirements: { type: 'string', default: '' },
    },
    strict: false,
    tokens: true,
  });
  const { target, releases } = targetReleases(values.target, 'the matrix');
  const requirements = String(values.requirements)
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unknown = requirements.filter((id) => findRequirement(id) === undefined);
  if (unknown.length > 0) throw new Error(`--requirements: unknown requirement ID(s) ${unknown.join(', ')}`);
  // Everything this command does not know goes to each release's run, where conformance vets it.
  const playwrightArgs = passThrough(tokens ?? [], ['target', 'versions', 'requirements']);
  return { target, versions: typeof values.versions === 'string' ? values.versions : releases.defaultRange, requirements, playwrightArgs };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/**
 * The arguments of a per-release command (matrix, bisect) that are not its own options, as typed: they go
 * to each release's conformance run, which vets them.
 */
export function passThrough(tokens: readonly Token[], own: readonly string[]): string[] {
  const args: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option' && own.includes(token.name)) continue;
    if (token.kind === 'option') args.push(token.rawName, ...(token.value === undefined ? [] : [token.value]));
    else if (token.kind === 'positional') args.push(token.value);
  }
  return args;
}

