/**
 * Lifecycle of the ContextForge process, exercised with a stand-in `mcpgateway` (a tiny Python HTTP
 * server) so the test runs in well under a second: health wait, redacted log, group stop, start failure.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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

  it('fails with one line naming the reason when the server exits at start', async () => {
    await assert.rejects(
      startContextForge({ install, logFile: join(dir, 'fail.log'), extraEnv: { FAKE_FAIL: '1' } }),
      (e: Error) => /^ContextForge fake did not start: process exited \(code 3.*ERROR boom: cannot start/.test(e.message),
    );
  });
});
