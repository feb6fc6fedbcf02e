/** The suite's package.json version, which is also the reference gateway's version. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PackageJsonSchema = z.object({ version: z.string().min(1) });

export function readPackageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return PackageJsonSchema.parse(JSON.parse(text)).version;
}
