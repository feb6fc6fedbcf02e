/** The post-run redaction of text artifacts: what the secret scan found in real runs, as small cases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { harvestSecrets, redactArtifactText, redactHtmlReport, redactReportDir, replaceKnownSecrets } from '../../reporting/redact-artifacts.js';

const SECRET = 'Zq3vN8kLm2Pw9XrT5yBc7dFg1hJk4sQe6uVa0oIiUuE';

test('OAuth code and state in callback URLs (UI-01 page problems, junit, error-context) are hashed', () => {
  const text = `page error at http://gateway.localhost:1234/oauth/callback?code=${SECRET}&state=${SECRET}x (Refused to execute)`;
  const out = redactArtifactText(text);
  assert.ok(!out.includes(SECRET), out);
  assert.match(out, /callback\?code=sha256:[0-9a-f]{16}&state=sha256:[0-9a-f]{16} \(Refused/);
  assert.equal(redactArtifactText(out), out, 'idempotent');
});

test('cookie headers, CSRF headers, hidden fields, meta tags and cookie objects are hashed; names stay readable', () => {
  const cases = [
    `cookie: gw_session=${SECRET}; theme=dark-mode-x`,
    `set-cookie: gw_session=${SECRET}; Path=/; HttpOnly; SameSite=Lax`,
    `x-csrf-token: ${SECRET}`,
    `<input type="hidden" name="csrf_token" value="${SECRET}">`,
    `<meta name="csrf-token" content="${SECRET}">`,
    `["INPUT",{"type":"hidden","name":"csrf_token","value":"${SECRET}"}]`,
    `{"name":"gw_session","value":"${SECRET}","domain":"gateway.localhost","path":"/"}`,
    `"csrfToken":"${SECRET}"`,
  ];
  for (const text of cases) {
    const out = redactArtifactText(text);
    assert.ok(!out.includes(SECRET), `${text} → ${out}`);
  }
  assert.match(redactArtifactText(`set-cookie: gw_session=${SECRET}; Path=/; HttpOnly`), /gw_session=sha256:[0-9a-f]{16}; Path=\/; HttpOnly/);
  const header = '{"name":"content-type","value":"application/json; charset=utf-8"}';
  assert.equal(redactArtifactText(header), header, 'ordinary headers are left alone');
});

test('a JSON key named like a secret header but holding an object, array, flag or number stays valid JSON; header values inside are still hashed', () => {
  const evidence = JSON.stringify(
    { authorization: { flow: 'completed', redirectUri: 'https://gateway.test/gw/oauth/callback' }, cookie: ['a'], headers: { authorization: `Bearer ${SECRET}` }, requests: [{ authorization: true }, { authorization: false, cookie: 0 }] },
    null,
    2,
  );
  const out = redactArtifactText(evidence);
  assert.doesNotThrow(() => JSON.parse(out), out);
  assert.ok(!out.includes(SECRET), out);
  assert.match(out, /"redirectUri": "https:\/\/gateway.test\/gw\/oauth\/callback"/);
});

test("the HTML report's embedded data zip is decoded, redacted and embedded again", async () => {
  const zip = new JSZip();
  zip.file('report.json', JSON.stringify({ error: `http://x/oauth/callback?code=${SECRET}&state=abcdefgh` }));
  const data = (await zip.generateAsync({ type: 'nodebuffer' })).toString('base64');
  const html = `<html><script>app()</script><template id="playwrightReportBase64">data:application/zip;base64,${data}</template></html>`;
  const out = await redactHtmlReport(html);
  const embedded = /base64,([^<]*)</.exec(out)?.[1] ?? '';
  const text = await (await JSZip.loadAsync(Buffer.from(embedded, 'base64'))).file('report.json')?.async('string');
  assert.ok(text && !text.includes(SECRET), text);
  assert.ok(out.startsWith('<html><script>app()</script>'));
});

test('secrets seen in structured places of a trace are hashed everywhere else too', () => {
  const code = 'c0deVALUEc0deVALUEc0deVALUE';
  const state = 'st4teVALUEst4teVALUE';
  const password = 'pa55WORDpa55WORD';
  const csrf = 'csrfVALUEcsrfVALUEcsrf';
  const session = 'sessVALUEsessVALUEsess';
  const refresh = 'refrVALUErefrVALUErefr';
  const trace = [
    `{"queryString":[{"name":"code","value":"${code}"},{"name":"state","value":"${state}"}]}`,
    `{"postData":{"params":[{"name":"username","value":"alice"},{"name":"password","value":"${password}"}]}}`,
    `{"cookies":[{"name":"gw_session","value":"${session}"}]}`,
    `{"params":{"selector":"input[name=password]","strict":true,"value":"${password}"}}`,
    // A step of a blob report (a shard's report.jsonl) names its target "locator".
    `{"method":"onStepBegin","params":{"step":{"title":"Fill","params":{"locator":"locator('input[name=password]')","value":"${password}2"}}}}`,
    `["INPUT",{"__playwright_value_":"${csrf}","type":"hidden","name":"csrf_token"}]`,
    `{"body":"{\\"access_token\\":\\"sha256:0\\",\\"refresh_token\\":\\"${refresh}\\"}"}`,
  ].join('\n');
  const secrets = new Set<string>();
  harvestSecrets(trace, secrets);
  for (const s of [code, state, password, `${password}2`, csrf, session, refresh]) assert.ok(secrets.has(s), `harvested ${s}`);
  assert.ok(!secrets.has('alice'));
  const elsewhere = `page title: signed in; url http://gw/x#${code} and ${encodeURIComponent(state)} ${csrf} ${session} ${refresh}`;
  const out = replaceKnownSecrets(elsewhere, secrets);
  for (const s of [code, state, csrf, session, refresh]) assert.ok(!out.includes(s), out);
  assert.match(out, /^page title: signed in; url http:\/\/gw\/x#sha256:/);
  assert.ok(!redactArtifactText('{"title":"Fill \\"' + password + '\\""}').includes(password), 'fill step titles are hashed');
  // The keyboard's text (lib/plain-controls.ts types the reference's and the IdP's passwords): its step title and its call.
  const typed = `{"title":"Insert \\"${password}3\\""}\n{"type":"before","class":"Page","method":"keyboardInsertText","params":{"text":"${password}4"}}`;
  const typedSecrets = new Set<string>();
  harvestSecrets(typed, typedSecrets);
  assert.ok(typedSecrets.has(`${password}4`), 'typed text is harvested');
  const redactedTyped = redactArtifactText(typed);
  for (const s of [`${password}3`, `${password}4`]) assert.ok(!redactedTyped.includes(s), redactedTyped);
});

test("a run's redaction covers the entries it names, files and folders alike, and leaves earlier runs' folders alone", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'redact-only-'));
  try {
    const line = `GET http://gateway.localhost:1/oauth/callback?code=${SECRET}&state=${SECRET}\n`;
    mkdirSync(path.join(dir, 'logs', 'reference'), { recursive: true });
    mkdirSync(path.join(dir, 'selftest'));
    writeFileSync(path.join(dir, 'junit.xml'), line);
    writeFileSync(path.join(dir, 'logs', 'reference', 'worker-0.log'), line);
    writeFileSync(path.join(dir, 'selftest', 'old.txt'), line);
    assert.equal(await redactReportDir(dir, ['junit.xml', 'logs', 'not-written']), 2);
    assert.ok(!readFileSync(path.join(dir, 'junit.xml'), 'utf8').includes(SECRET));
    assert.ok(!readFileSync(path.join(dir, 'logs', 'reference', 'worker-0.log'), 'utf8').includes(SECRET));
    assert.ok(readFileSync(path.join(dir, 'selftest', 'old.txt'), 'utf8').includes(SECRET), 'not walked: not named');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a CSRF meta tag inside a JSON-escaped page (an action result in a trace without DOM snapshots) is hashed', () => {
  const once = JSON.stringify({ result: `<meta name="csrf-token" content="${SECRET}">` });
  const twice = JSON.stringify({ wrapped: once });
  for (const text of [once, twice]) {
    const out = redactArtifactText(text);
    assert.ok(!out.includes(SECRET), out);
    assert.match(out, /csrf-token\\+" content=\\+"sha256:[0-9a-f]{16}\\+"/);
  }
});
