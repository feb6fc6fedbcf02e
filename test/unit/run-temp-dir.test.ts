import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeRunTempDir, RUN_TEMP_PREFIX } from '../../cli/run-temp-dir.js';

test("a run's temporary folder takes the child's TMPDIR and goes, with what was left in it, when removed", () => {
  const run = makeRunTempDir({});
  assert.ok(path.basename(run.dir).startsWith(RUN_TEMP_PREFIX));
  assert.equal(run.env['TMPDIR'], run.dir);
  // What a killed worker leaves: a browser profile with files in it.
  const profile = path.join(run.dir, 'playwright_chromiumdev_profile-x', 'Default');
  mkdirSync(profile, { recursive: true });
  writeFileSync(path.join(profile, 'Cookies'), 'x');
  run.remove();
  assert.equal(existsSync(run.dir), false);
  run.remove(); // twice is harmless
});

test("Playwright's compile cache stays where every run shares it, or where the user put it", () => {
  const shared = makeRunTempDir({});
  assert.equal(shared.env['PLAYWRIGHT_TRANSFORM_CACHE_DIR'], path.join(tmpdir(), `playwright-transform-cache-${process.geteuid?.() ?? ''}`));
  shared.remove();
  const chosen = makeRunTempDir({ PLAYWRIGHT_TRANSFORM_CACHE_DIR: '/var/cache/pw' });
  assert.equal(chosen.env['PLAYWRIGHT_TRANSFORM_CACHE_DIR'], '/var/cache/pw');
  chosen.remove();
});
