/**
 * The clock hook of a started gateway (targets/process-clock.ts): a Node process run with its environment tells a later
 * time, by its wall clock and its monotonic clock alike, once `advance` returns; and `advance` fails with a clear line
 * when the process never shows the move (here: started without the preload), instead of returning as if it had.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dateHeaderOf, findLibfaketime, processClock } from '../../targets/process-clock.js';

/** A tiny server that answers its wall clock and monotonic clock, as a gateway's answers carry its Date header. */
const CLOCK_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end(JSON.stringify({ now: Date.now(), monotonic: performance.now() })));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startClockServer(env: Record<string, string>): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', CLOCK_SERVER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { url: `http://127.0.0.1:${line.trim()}/`, stop: () => child.kill('SIGKILL') };
}

async function clocksOf(url: string): Promise<{ now: number; monotonic: number }> {
  return (await (await fetch(url)).json()) as { now: number; monotonic: number };
}

test('advance moves a started process\'s wall and monotonic clocks, and returns only once its answers show it', { skip: findLibfaketime() === undefined ? 'libfaketime is not installed (npm run bootstrap installs it)' : false }, async (t) => {
  const runDir = await mkdtemp(join(tmpdir(), 'clock-test-'));
  t.after(() => rm(runDir, { recursive: true, force: true }));
  const clock = await processClock(runDir);
  assert.ok(clock, 'libfaketime was found, so a clock is made');
  const server = await startClockServer(clock.environment);
  t.after(server.stop);

  const before = await clocksOf(server.url);
  assert.ok(Math.abs(before.now - Date.now()) < 5_000, 'at start the process tells the real time');
  await clock.advance(301, () => dateHeaderOf(server.url));
  const after = await clocksOf(server.url);
  assert.ok(after.now - Date.now() > 295_000, `the wall clock is 301 s ahead (it is ${Math.round((after.now - Date.now()) / 1000)} s)`);
  assert.ok(after.monotonic - before.monotonic > 295_000, 'the monotonic clock moved as far, so a cache TTL measured with it expires too');

  // Moves add up: a second advance is counted from the first.
  await clock.advance(150, () => dateHeaderOf(server.url));
  assert.ok((await clocksOf(server.url)).now - Date.now() > 445_000, 'a second advance adds to the first');
});

test('advance fails with a clear line when the process never shows the move', { skip: findLibfaketime() === undefined ? 'libfaketime is not installed (npm run bootstrap installs it)' : false }, async (t) => {
  const runDir = await mkdtemp(join(tmpdir(), 'clock-test-'));
  t.after(() => rm(runDir, { recursive: true, force: true }));
  const clock = await processClock(runDir, { settleBoundMs: 2_500 });
  assert.ok(clock);
  // Started without the preload: its clock cannot move.
  const server = await startClockServer({});
  t.after(server.stop);
  await assert.rejects(clock.advance(301, () => dateHeaderOf(server.url)), /clock did not move 301 s ahead .* libfaketime did not take hold/);
});
