/**
 * `mocks` starts the mock IdP and MCP server, prints what a gateway needs, and on SIGTERM or SIGINT closes
 * both and exits 0 with nothing left listening.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'mcp-gateway-conformance.mjs');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`mocks serves discovery and the MCP metadata, and stops on ${signal} with exit 0`, { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [BIN, 'mocks', '--redirect-uri', 'http://gateway.localhost:9999/oauth/callback'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('Ctrl-C')) resolve();
      });
      child.once('exit', () => reject(new Error(`mocks exited early: ${lines.join('\n')}`)));
    });
    const value = (label: string): string => lines.find((l) => l.trimStart().startsWith(label))?.trim().split(/\s+/)[label.split(' ').length] ?? '';
    const issuer = value('mock IdP (issuer)');
    const mcp = value('mock MCP server');
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(lines.some((l) => l.includes('redirect_uri        http://gateway.localhost:9999/oauth/callback')));
    assert.ok(lines.some((l) => /user {16}alice \/ \S+/.test(l)));
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { code_challenge_methods_supported: string[] };
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    const unauthenticated = await fetch(mcp, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unauthenticated.status, 401);
    child.kill(signal);
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
    await assert.rejects(fetch(`${issuer}/jwks`), 'the IdP still answers after the stop');
    await assert.rejects(fetch(mcp), 'the MCP server still answers after the stop');
  });
}
