/** The one way a target's server runs: refusals in one line, and nothing of its group left once stop() returns. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGroupProcess, type GroupProcessOptions } from '../../targets/process-group.js';

async function options(overrides: Partial<GroupProcessOptions>): Promise<GroupProcessOptions> {
  const dir = await mkdtemp(join(tmpdir(), 'process-group-test-'));
  return {
    name: 'test server',
    command: '/bin/sh',
    args: ['-c', 'echo up; exec sleep 60'],
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '' },
    logFile: join(dir, 'server.log'),
    header: '# test server',
    secrets: [],
    runDir: join(dir, 'run'),
    readyLine: /^up$/,
    ready: async () => undefined,
    startTimeoutMs: 10_000,
    ...overrides,
  };
}

test('a program that does not exist is refused in one line, not an unhandled error', async () => {
  const o = await options({ command: '/nonexistent/server' });
  await assert.rejects(startGroupProcess(o), (e: Error) => /^test server did not start: could not be started: .*ENOENT/.test(e.message) && !e.message.includes('\n'));
  await rm(o.cwd, { recursive: true, force: true });
});

test('a process that exits before it is ready is refused with its exit and its last error line', async () => {
  const o = await options({ args: ['-c', 'echo "ERROR cannot bind"; echo bye; exit 3'] });
  await assert.rejects(startGroupProcess(o), (e: Error) => /did not start: process exited \(code 3, signal null\) — ERROR cannot bind$/.test(e.message));
  await rm(o.cwd, { recursive: true, force: true });
});

test('readiness is asked again until it answers, and a secret never reaches the log', async () => {
  let asked = 0;
  const o = await options({ args: ['-c', 'echo up; echo "token s3cr3t-value"; exec sleep 60'], secrets: ['s3cr3t-value'], ready: async () => (++asked < 3 ? 'not yet' : undefined) });
  const server = await startGroupProcess(o);
  await server.stop();
  assert.equal(asked, 3);
  const log = await readFile(o.logFile, 'utf8');
  assert.ok(!log.includes('s3cr3t-value'), log);
  await rm(o.cwd, { recursive: true, force: true });
});

test('stop() returns only once every member of the group is gone, a forked child that ignores SIGTERM included, and removes the run folder', async () => {
  // The child ignores SIGTERM (as a stuck worker would); the parent exits on it, so only the group SIGKILL ends the child.
  const o = await options({ args: ['-c', "(trap '' TERM; exec sleep 60) & echo up; wait"] });
  await mkdir(o.runDir, { recursive: true });
  const server = await startGroupProcess(o);
  await server.stop();
  assert.throws(() => process.kill(-server.pid, 0), (e: NodeJS.ErrnoException) => e.code === 'ESRCH', 'no process of the group is left');
  await assert.rejects(stat(o.runDir), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  await rm(o.cwd, { recursive: true, force: true });
});
