import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { redactTraceText } from '../../reporting/redact-traces.js';
import { redactZip } from '../../reporting/redact-artifacts.js';
import { temporaryFolder } from './temporary-folder.js';

const network = JSON.stringify({
  type: 'resource-snapshot',
  snapshot: { request: { headers: [{ name: 'Cookie', value: 'gw_session=s3ss10nvalue' }, { name: 'Accept', value: '*/*' }] } },
});

test('cookie and authorization header values are hashed, others kept', () => {
  const out = redactTraceText(network);
  assert.ok(!out.includes('s3ss10nvalue'));
  assert.ok(out.includes('"value":"*/*"'));
});

test('a trace archive is rewritten in place without the secrets', async (t) => {
  const dir = temporaryFolder(t, 'trace-');
  const file = path.join(dir, 'trace.zip');
  const zip = new JSZip();
  zip.file('trace.network', network);
  zip.file('resources/abc.html', '<div data-access-token="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln">');
  zip.file('resources/img.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]));
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer' }));
  writeFileSync(file, await redactZip(readFileSync(file)));
  const back = await JSZip.loadAsync(readFileSync(file));
  assert.ok(!(await back.file('trace.network')?.async('string'))?.includes('s3ss10nvalue'));
  assert.ok(!(await back.file('resources/abc.html')?.async('string'))?.includes('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln'));
  assert.deepEqual([...((await back.file('resources/img.png')?.async('uint8array')) ?? [])], [0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
});
