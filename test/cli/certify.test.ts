/**
 * `run --certify` end to end, through the installable CLI: a full run against the reference gateway
 * writes a bundle that `verify` accepts with the vendor's key pinned; the same command with fault mode
 * csrf-open (limited to XSITE-01) is refused (exit 1, one line per reason, no bundle). One full run: minutes.
 * `node --import tsx --test test/cli/certify.test.ts`
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'mcp-gateway-conformance.mjs');

/** Runs the CLI from a temporary working directory (as an installed command would be), collecting its output. */
function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, CONFORMANCE_PROGRESS: 'dot', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('run --certify on the reference writes a bundle verify accepts; with --fault csrf-open it is refused', { timeout: 1_800_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'certify-e2e-'));
  try {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(path.join(dir, 'vendor.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'vendor.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));

    const good = await cli(['run', '--certify', '--signing-key', 'vendor.pem', '--bundle', 'reference.zip'], { CONFORMANCE_REPORT_DIR: 'reports-ok' }, dir);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /certify: bundle written: .*reference\.zip/);
    const verified = await cli(['verify', 'reference.zip', '--public-key', 'vendor.pub.pem'], {}, dir);
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    assert.match(verified.stdout, /^ok reference\.zip: reference .* verdict pass, .* \(pinned\)/);

    // Limited to the requirement the fault breaks (a second full run would double the test's minutes): the
    // refusal must name the failed MUST and the verdict, whatever else (the partial scope) it also names.
    const bad = await cli(['run', '--fault', 'csrf-open', '--requirement', 'XSITE-01', '--certify', '--signing-key', 'vendor.pem', '--bundle', 'csrf-open.zip'], { CONFORMANCE_REPORT_DIR: 'reports-csrf-open' }, dir);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /certify: refused: reference@csrf-open: MUST requirement XSITE-01 is failed/);
    assert.match(bad.stderr, /certify: refused: reference@csrf-open: verdict is fail/);
    assert.equal(existsSync(path.join(dir, 'csrf-open.zip')), false, 'a refused certification wrote a bundle');
  } finally {
    if (!process.env['KEEP_ARTIFACTS']) rmSync(dir, { recursive: true, force: true });
    else process.stdout.write(`kept ${dir}\n`);
  }
});
