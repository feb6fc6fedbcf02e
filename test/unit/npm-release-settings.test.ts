import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_N8N_VERSION, parseN8nSettings } from '../../targets/n8n/settings.js';
import { DEFAULT_INSPECTOR_VERSION, parseInspectorSettings } from '../../targets/inspector/settings.js';

test('no version means the release verified against the adapter', () => {
  assert.deepEqual(parseN8nSettings({}), { version: DEFAULT_N8N_VERSION });
  assert.deepEqual(parseInspectorSettings({}), { version: DEFAULT_INSPECTOR_VERSION });
});

test('a version of the major line the adapter drives is taken as given', () => {
  assert.deepEqual(parseN8nSettings({ version: '2.40.7' }), { version: '2.40.7' });
});

test('another major line, a range or an unknown setting is one line naming the target and the field', () => {
  assert.throws(() => parseN8nSettings({ version: '1.123.4' }), /^Error: n8n: version: the n8n target drives n8n 2\.x/);
  assert.throws(() => parseN8nSettings({ version: '^2.41.1' }), /n8n: version:/);
  assert.throws(() => parseInspectorSettings({ version: '2.12.0', port: 1 }), /^Error: inspector: settings: Unrecognized key/);
});
