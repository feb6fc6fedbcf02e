/**
 * The Fetch Tools body in each sender's shape (fixtures/fetch-tools-request.ts): the own page's JSON, and the shapes a
 * forgery from another site carries it in, each of which a lenient parser reads back as the same request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bracketPairs, forgedBody, forgedFormFields, ownPageBody } from '../../fixtures/fetch-tools-request.js';

const bodiless = { url: 'http://gateway.localhost/oauth/fetch-tools/1' };
const json = { url: 'http://gateway.localhost/rest/options', json: { methodName: 'getTools', credentials: { mcp: { id: '7', name: 'x y' } }, list: ['a', 2], none: null } };

test('a bodiless request: the own page sends no body, forgeries the probe bodies the specs always sent', () => {
  assert.deepEqual(ownPageBody(bodiless), { headers: {} });
  assert.equal(forgedBody(bodiless, 'text/plain'), 'probe');
  assert.equal(forgedBody(bodiless, 'application/x-www-form-urlencoded'), 'probe=1');
  assert.equal(forgedBody(bodiless, 'application/x-www-form-urlencoded', { csrf_token: 'a b' }), 'probe=1&csrf_token=a+b');
  assert.deepEqual(forgedFormFields(bodiless, 'text/plain'), { probe: '1' });
});

test('a JSON request: the own page posts it as application/json, a text/plain forgery carries the same JSON text', () => {
  assert.deepEqual(ownPageBody(json), { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json.json) });
  assert.deepEqual(JSON.parse(forgedBody(json, 'text/plain')), json.json);
  assert.throws(() => forgedBody(json, 'text/plain', { csrf_token: 'x' }), /no extra fields/);
});

test('an urlencoded forgery carries every member in bracket notation, extra fields after them', () => {
  assert.deepEqual(bracketPairs(json.json), [
    ['methodName', 'getTools'],
    ['credentials[mcp][id]', '7'],
    ['credentials[mcp][name]', 'x y'],
    ['list[0]', 'a'],
    ['list[1]', '2'],
    ['none', ''],
  ]);
  const sent = new URLSearchParams(forgedBody(json, 'application/x-www-form-urlencoded', { csrf_token: 't' }));
  assert.equal(sent.get('credentials[mcp][name]'), 'x y');
  assert.equal(sent.get('csrf_token'), 't');
  assert.deepEqual(forgedFormFields(json, 'application/x-www-form-urlencoded'), Object.fromEntries(bracketPairs(json.json)));
  assert.deepEqual(bracketPairs(['not', 'an object']), [['json', '["not","an object"]']]);
});

test("a text/plain form's one field is split so that the body the browser sends (name=value) is the JSON with one member more", () => {
  const asSent = (fields: Record<string, string>): string => Object.entries(fields).map(([name, value]) => `${name}=${value}\r\n`).join('');
  const parsed: unknown = JSON.parse(asSent(forgedFormFields(json, 'text/plain')));
  assert.deepEqual(parsed, { ...json.json, conformance_padding: '=' });
  assert.deepEqual(JSON.parse(asSent(forgedFormFields({ url: bodiless.url, json: {} }, 'text/plain'))), { conformance_padding: '=' });
});
