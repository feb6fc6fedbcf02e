/**
 * A temporary folder for one test, removed when the test ends (pass or fail): tests leave nothing in the
 * system's temporary folder, as the command's runs do not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export function temporaryFolder(t: Pick<TestContext, 'after'>, prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
