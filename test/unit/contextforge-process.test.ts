/**
 * Lifecycle of the ContextForge process, exercised with a stand-in `mcpgateway` (a tiny Python HTTP
 * server) so the test runs in well under a second: health wait, redacted log, group stop, start failure.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { redactLogLine } from '../../lib/log-redaction.js';
import { startContextForge } from '../../targets/contextforge/process.js';
import type { ContextForgeInstall } from '../../targets/contextforge/install.js';
import { findPython } from '../../targets/contextforge/python.js';

/** Serves /health, prints the JWT secret (to prove redaction), forks a grandchild (to prove group stop). */
const FAKE_GATEWAY = `
import http.server, json, os, subprocess, sys
args = sys.argv[1:]
port = int(args[args.index('--port') + 1])
if os.environ.get('FAKE_FAIL'):
    print('ERROR boom: cannot start', flush=True)
    sys.exit(3)
print('secret is ' + os.environ['JWT_SECRET_KEY'], flush=True)
print('cwd=' + os.getcwd() + ' env_file=' + str(os.path.exists('.env')), flush=True)
print('app_domain=' + os.environ['APP_DOMAIN'] + ' root_path=' + os.environ.get('APP_ROOT_PATH', '(unset)') + ' secure_cookies=' + os.environ['SECURE_COOKIES'], flush=True)
child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])
print('grandchild=' + str(child.pid), flush=True)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({'status': 'healthy'}).encode()
        self.send_response(200); self.send_header('content-type', 'application/json'); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.HTTPServer(('127.0.0.1', port), H).serve_forever()
`;

/** Running (a killed process may linger as a zombie until init reaps it: that counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The harness sends SIGKILL as it ends, but the kernel kills asynchronously: under load the server can still be
 * there a moment after the harness's exit event. No event tells when a non-child process is gone, so a bounded poll.
 */
async function goneWithin(pid: number, boundMs: number): Promise<boolean> {
  for (const deadline = Date.now() + boundMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    if (!alive(pid)) return true;
  }
  return !alive(pid);
}

describe('redactLogLine', () => {
  it('hashes the callback code and state of access-log lines, known secrets, bearer tokens', () => {
    const line =
      '{"message": "127.0.0.1:45296 - \\"GET /oauth/callback?code=tvbEzbttpFB7dOv-y9g_y6jKQOe3&state=x_pJZOWFrzoQ&iss=http%3A%2F%2F127.0.0.1 HTTP/1.1\\" 200"} ' +
      'client secret s3cr3t-client-value Authorization: Bearer abcdefghijklmnop';
    const out = redactLogLine(line, ['s3cr3t-client-value']);
    for (const secret of ['tvbEzbttpFB7dOv-y9g_y6jKQOe3', 'x_pJZOWFrzoQ', 's3cr3t-client-value', 'abcdefghijklmnop']) {
      assert.ok(!out.includes(secret), `${secret} removed`);
    }
    assert.match(out, /code=sha256:[0-9a-f]{16}&state=sha256:[0-9a-f]{16}&iss=http%3A%2F%2F127\.0\.0\.1 /);
    assert.equal(redactLogLine('GET /health 200', []), 'GET /health 200');
  });
});

describe('startContextForge (stand-in server)', () => {
  let dir: string;
  let install: ContextForgeInstall;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cf-proc-test-'));
    const bin = join(dir, 'venv', 'bin');
    await mkdir(bin, { recursive: true });
    const python = await findPython('3.11');
    await writeFile(join(bin, 'mcpgateway'), `#!${python}\n${FAKE_GATEWAY}`);
    await chmod(join(bin, 'mcpgateway'), 0o755);
    install = { version: 'fake', venv: join(dir, 'venv'), bin, reportedVersion: 'fake' };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts on gateway.localhost, waits for health, redacts the log, stops the whole group', async () => {
    const logFile = join(dir, 'logs', 'cf.log');
    const running = await startContextForge({ install, logFile });
    assert.match(running.origin, /^http:\/\/gateway\.localhost:\d+$/);
    assert.equal(running.baseUrl, `http://127.0.0.1:${running.port}`);
    running.addSecret('late-client-secret-value');
    const health = await fetch(`${running.baseUrl}/health`);
    assert.equal(health.status, 200);
    await running.stop();

    const log = await readFile(logFile, 'utf8');
    for (const secret of running.secrets) assert.ok(!log.includes(secret), 'no secret in the log');
    assert.match(log, /secret is sha256:[0-9a-f]{16}/);
    assert.match(log, /env_file=False/);
    assert.match(log, /cwd=\/.*cf-run-/);
    const grandchild = Number(/grandchild=(\d+)/.exec(log)?.[1]);
    assert.ok(grandchild > 0);
    assert.equal(alive(grandchild), false, 'grandchild killed with the group');
    await assert.rejects(fetch(`${running.baseUrl}/health`));
  });

  it('behind the proxy: public origin and root path for the browser, APP_ROOT_PATH set, still plain http on loopback', async () => {
    const logFile = join(dir, 'logs', 'cf-proxy.log');
    const running = await startContextForge({ install, logFile, behindProxy: { publicOrigin: 'https://gateway.test:44321', rootPath: '/gw' } });
    try {
      assert.equal(running.origin, 'https://gateway.test:44321');
      assert.equal(running.rootPath, '/gw');
      assert.equal(running.baseUrl, `http://127.0.0.1:${running.port}`);
      assert.equal((await fetch(`${running.baseUrl}/health`)).status, 200);
    } finally {
      await running.stop();
    }
    const log = await readFile(logFile, 'utf8');
    assert.match(log, /app_domain=https:\/\/gateway\.test:44321 root_path=\/gw secure_cookies=true/);
    assert.match(log, /on https:\/\/gateway\.test:44321\/gw \(127\.0\.0\.1:\d+\)/);
  });

  it('served directly: no root path', async () => {
    const logFile = join(dir, 'logs', 'cf-direct.log');
    const running = await startContextForge({ install, logFile });
    await running.stop();
    assert.equal(running.rootPath, '');
    assert.match(await readFile(logFile, 'utf8'), /root_path=\(unset\) secure_cookies=false/);
  });

  for (const how of ['exit', 'SIGINT'] as const) {
    it(`kills the server and removes its folder when the harness ${how === 'exit' ? 'exits' : 'gets SIGINT'} without stop()`, async () => {
      const script = join(dir, `harness-${how}.mts`);
      await writeFile(
        script,
        `import { startContextForge } from ${JSON.stringify(join(process.cwd(), 'targets/contextforge/process.ts'))};\n` +
          `const r = await startContextForge({ install: ${JSON.stringify(install)}, logFile: ${JSON.stringify(join(dir, `${how}.log`))} });\n` +
          // Checked inside the harness: with process.exit right after, the server may be gone before this test reads the line.
          `let aliveAtStart = true; try { process.kill(r.pid, 0); } catch { aliveAtStart = false; }\n` +
          `console.log(JSON.stringify({ pid: r.pid, runDir: r.runDir, aliveAtStart }));\n` +
          (how === 'exit' ? 'process.exit(0);\n' : 'setInterval(() => undefined, 1000);\n'),
      );
      const harness = spawn(process.execPath, ['--import', 'tsx', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(createInterface({ input: harness.stdout }), 'line')) as [string];
      const started = JSON.parse(line) as { pid: number; runDir: string; aliveAtStart: boolean };
      assert.ok(started.aliveAtStart, 'server running once started');
      if (how === 'SIGINT') harness.kill('SIGINT');
      const [code, signal] = (await once(harness, 'exit')) as [number | null, string | null];
      assert.ok(how === 'exit' ? code === 0 : signal === 'SIGINT', `harness ended by ${how}: code ${code} signal ${signal}`);
      assert.equal(await goneWithin(started.pid, 2000), true, 'server killed');
      assert.equal(existsSync(started.runDir), false, 'run folder removed');
    });
  }

  it('fails with one line naming the reason when the server exits at start', async () => {
    await assert.rejects(
      startContextForge({ install, logFile: join(dir, 'fail.log'), extraEnv: { FAKE_FAIL: '1' } }),
      (e: Error) => /^ContextForge fake did not start: process exited \(code 3.*ERROR boom: cannot start/.test(e.message),
    );
  });
});
