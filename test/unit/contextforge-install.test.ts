import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCacheRoot } from '../../lib/cache-root.js';
import { venvDirFor } from '../../targets/contextforge/install.js';
import { parsePipConfigList, uvSettingsFromPip } from '../../targets/contextforge/pip-settings.js';
import { findPython } from '../../targets/contextforge/python.js';

describe('pip settings for uv', () => {
  const listed = [
    ":env:.cert='/etc/ssl/certs/ca-certificates.crt'",
    ":env:.default-timeout='180'",
    ":env:.find-links='/opt/wheels'",
    "global.cert='/somewhere/else.pem'",
    "global.index-url='https://mirror.example/simple'",
    "user.extra-index-url='https://a.example/simple https://b.example/simple'",
    'garbage line',
  ].join('\n');

  it('parses pip config list with environment entries winning', () => {
    const pip = parsePipConfigList(listed);
    assert.equal(pip.get('cert'), '/etc/ssl/certs/ca-certificates.crt');
    assert.equal(pip.get('find-links'), '/opt/wheels');
    assert.equal(pip.get('index-url'), 'https://mirror.example/simple');
  });

  it('translates to uv arguments and environment', () => {
    const uv = uvSettingsFromPip(parsePipConfigList(listed));
    assert.deepEqual(uv.args, [
      '--index-url', 'https://mirror.example/simple',
      '--extra-index-url', 'https://a.example/simple',
      '--extra-index-url', 'https://b.example/simple',
      '--find-links', '/opt/wheels',
    ]);
    assert.deepEqual(uv.env, { SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt', UV_HTTP_TIMEOUT: '180' });
  });

  it('gives uv nothing extra when pip has no settings', () => {
    assert.deepEqual(uvSettingsFromPip(parsePipConfigList('')), { args: [], env: {} });
  });
});

describe('install locations', () => {
  it('follows XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultCacheRoot({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/mcp-gateway-conformance');
    assert.match(defaultCacheRoot({}), /\/\.cache\/mcp-gateway-conformance$/);
    assert.equal(venvDirFor('/c', '1.0.7'), '/c/contextforge/1.0.7');
  });
});

describe('findPython', () => {
  it('fails with one clear line when the interpreter is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cf-nopy-'));
    try {
      await assert.rejects(
        findPython('3.99', { PATH: empty, PYENV_ROOT: empty, HOME: empty }),
        (e: Error) => e.message.startsWith('python3.99 not found') && !e.message.includes('\n'),
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('finds the interpreter the harness itself can run', async () => {
    const python = await findPython('3.11');
    assert.match(python, /python3\.11$/);
  });
});
