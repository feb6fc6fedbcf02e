/**
 * Bad input to `conformance`: each case ends with exit code 2 and one clear line on stderr naming what
 * is wrong — no stack trace, no browser started, nothing installed. Servers the cases need (a gateway
 * that refuses the login, another program on the gateway's port) are tiny local HTTP servers here.
 *
 * `npm run test:lifecycle` (this file alone: `node --import tsx --test test/lifecycle/bad-input.test.ts`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli.js';
import { processesOf } from './processes.js';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Runs the command and checks the contract: exit 2, exactly one stderr line matching `expected`, no stack, nothing started. */
async function expectRefused(args: string[], expected: RegExp, env: Record<string, string> = {}): Promise<void> {
  const run = runCli('cli/conformance.ts', args, env);
  const { code } = await run.exited;
  run.removeReports();
  const files = run.temporaryFilesLeft();
  run.removeTemporaryFolder();
  const lines = run.stderr.filter((line) => line.trim() !== '');
  assert.equal(code, 2, `exit code for ${args.join(' ')}; stderr: ${lines.join(' | ')}`);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${lines.join('\n')}`);
  const [line = ''] = lines;
  assert.match(line, /^conformance: /);
  assert.match(line, expected);
  assert.doesNotMatch(line, /\bat .+:\d+:\d+|Error: |ZodError|node:internal/, 'no stack trace or raw error dump');
  assert.ok(!run.stdout.some((l) => /Running \d+ tests?/.test(l)), 'Playwright never started');
  assert.deepEqual(processesOf(run.marker), [], 'nothing of the run is left');
  assert.deepEqual(files, [], 'no temporary file of the run is left');
}

/** A ContextForge look-alike: answers /auth/email/login with 401 (wrong password) and everything else with 200. */
const refusingGateway = createServer((req, res) => {
  req.resume();
  if (req.url === '/auth/email/login') {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Invalid email or password' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>ContextForge</title>');
});
/** Another program on the port the user named: a web server that knows no gateway API. */
const otherProgram = createServer((req, res) => {
  req.resume();
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
});
let refusingPort = 0;
let otherPort = 0;
let closedPort = 0;

before(async () => {
  refusingPort = await listen(refusingGateway);
  otherPort = await listen(otherProgram);
  // A port nobody listens on: taken from the system, then released.
  const probe = createServer();
  closedPort = await listen(probe);
  await close(probe);
});
after(async () => {
  await close(refusingGateway);
  await close(otherProgram);
});

const attach = (port: number): string[] => [
  '--target',
  'contextforge',
  '--base-url',
  `http://gateway.localhost:${port}`,
  '--login',
  'admin@example.com',
  '--password',
  'not-the-password',
];

describe('bad input: one line, exit code 2', { timeout: 300_000 }, () => {
  it('an unknown target', () => expectRefused(['--target', 'nope'], /--target must be one of: reference, contextforge/));

  it('an option without its value', () => expectRefused(['--base-url'], /--base-url needs a value/));

  it('a malformed URL', () =>
    expectRefused(['--target', 'contextforge', '--base-url', 'not a url', '--login', 'a@example.com', '--password', 'x'], /--base-url must be an absolute URL/));

  it('a malformed value in the environment (CONFORMANCE_WORKERS)', () =>
    expectRefused([], /CONFORMANCE_WORKERS must be a whole number from 1 to 16, got "two"/, { CONFORMANCE_WORKERS: 'two' }));

  it('an unknown fault mode', () => expectRefused(['--fault', 'no-such-fault'], /unknown fault mode "no-such-fault"; valid: /));

  it('Chromium missing (CHROMIUM_PATH pointing nowhere)', () =>
    expectRefused([], /Chromium not found at \/nonexistent\/chromium: run "npm run bootstrap"/, { CHROMIUM_PATH: '/nonexistent/chromium' }));

  it('openssl missing (a PATH with node only)', async (t) => {
    const bin = mkdtempSync(path.join(tmpdir(), 'conformance-bad-input-'));
    t.after(() => rmSync(bin, { recursive: true, force: true }));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    await expectRefused([], /openssl not found or not working .*run "npm run bootstrap"/, { PATH: bin });
  });

  it('Chromium path that is not an executable', async (t) => {
    const folder = mkdtempSync(path.join(tmpdir(), 'conformance-bad-input-'));
    t.after(() => rmSync(folder, { recursive: true, force: true }));
    const notExecutable = path.join(folder, 'chromium');
    writeFileSync(notExecutable, 'not a browser\n', { mode: 0o644 });
    await expectRefused([], /Chromium at \S+\/chromium is not an executable file/, { CHROMIUM_PATH: notExecutable });
  });

  it('a ContextForge version that does not exist', () =>
    expectRefused(['--target', 'contextforge', '--target-version', '0.0.1'], /unknown ContextForge version "0.0.1" \(releases on .*PyPI.*: .*1\.0\.0rc1, .*1\.1\.0/));

  it('a gateway URL nobody answers on', () => expectRefused(attach(closedPort), new RegExp(`target http://127\\.0\\.0\\.1:${closedPort}/ is unreachable \\(.*\\); is the gateway running\\?`)));

  it('a gateway that refuses the login', () =>
    expectRefused(attach(refusingPort), /logging in to http:\/\/127\.0\.0\.1:\d+\/ as admin@example\.com failed \(HTTP 401\): check --login\/--password/));

  it('the port in use by another program', () =>
    expectRefused(attach(otherPort), /answers, but not as ContextForge \(POST \/auth\/email\/login: HTTP 404\): is another program using that port\?/));
});
