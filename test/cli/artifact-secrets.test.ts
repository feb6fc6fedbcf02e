/**
 * No secret in the clear in any artifact a run leaves behind. Runs the suite (through the same
 * runPlaywright the CLIs use, so the post-run redaction pass is part of what is tested) on the reference
 * gateway — a tiny passing subset, plus fault modes whose failures leave every kind of failure artifact
 * (traces, screenshots and their error-context.md, UI-01's page problems with callback URLs, FLOW-12's
 * leaked token) — with a secret ledger switched on, then searches every file under the run's report
 * folder (zips unpacked, the HTML report's embedded data decoded) for every raw secret the mocks and the
 * gateway issued. Slow (a few minutes): `node --import tsx --test test/cli/artifact-secrets.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { runPlaywright } from '../../cli/run-playwright.js';
import { readLedger, SECRET_LEDGER_ENV } from '../../fixtures/secret-ledger.js';
import type { RunSpec } from '../../config/run-plan.js';

const plan: RunSpec[] = [
  { id: 'reference', target: 'reference', faultMode: null, harnessFault: null, deployment: 'direct', only: ['SESSION-01'], settings: {} },
  { id: 'reference@callback-script-dead', target: 'reference', faultMode: 'callback-script-dead', harnessFault: null, deployment: 'direct', only: ['UI-01', 'SESSION-01'], settings: {} },
  { id: 'reference@token-in-page', target: 'reference', faultMode: 'token-in-page', harnessFault: null, deployment: 'direct', only: ['FLOW-12'], settings: {} },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Every text a file holds, as [where, text] pairs: zips are unpacked, the HTML report's embedded zip is decoded. */
async function contents(where: string, bytes: Buffer): Promise<[string, string][]> {
  if (bytes.subarray(0, 2).toString('latin1') === 'PK') {
    const zip = await JSZip.loadAsync(bytes);
    const out: [string, string][] = [];
    for (const entry of Object.values(zip.files)) {
      if (!entry.dir) out.push(...(await contents(`${where}!${entry.name}`, Buffer.from(await entry.async('uint8array')))));
    }
    return out;
  }
  const text = bytes.toString('latin1');
  const out: [string, string][] = [[where, text]];
  const embedded = /<template id="playwrightReportBase64">data:application\/zip;base64,([A-Za-z0-9+/=\s]*)<\/template>/.exec(text);
  if (embedded) out.push(...(await contents(`${where}#embedded`, Buffer.from((embedded[1] ?? '').replace(/\s+/g, ''), 'base64'))));
  return out;
}

test('every artifact of a run that failed is free of every raw secret the mocks and the gateway issued', { timeout: 900_000 }, async () => {
  const reportDir = mkdtempSync(path.join(tmpdir(), 'artifact-secrets-'));
  const ledger = path.join(mkdtempSync(path.join(tmpdir(), 'ledger-')), 'secrets.jsonl');
  try {
    const { report } = await runPlaywright(plan, {
      reportDir,
      env: { [SECRET_LEDGER_ENV]: ledger, CONFORMANCE_WORKERS: process.env['CONFORMANCE_WORKERS'] ?? '1', CONFORMANCE_PROGRESS: 'dot' },
    });
    assert.ok(report, 'the run wrote a conformance report');
    const verdicts = Object.fromEntries(report.runs.map((r) => [r.id, r.verdict]));
    assert.deepEqual(verdicts, { reference: 'pass', 'reference@callback-script-dead': 'fail', 'reference@token-in-page': 'fail' });

    const secrets = [...new Set(readLedger(readFileSync(ledger, 'utf8')).filter((s) => s.value.length >= 8).map((s) => JSON.stringify(s)))].map(
      (s) => JSON.parse(s) as { kind: string; value: string },
    );
    const kinds = new Set(secrets.map((s) => s.kind));
    for (const kind of ['idp-secret', 'idp-jwt', 'client-secret', 'idp-password', 'gateway-secret', 'gateway-password']) {
      assert.ok(kinds.has(kind), `the ledger recorded ${kind} secrets (saw ${[...kinds].join(', ')})`);
    }
    const files = filesUnder(reportDir);
    assert.ok(files.some((f) => f.endsWith('.zip')), 'the failures left trace archives');
    assert.ok(files.some((f) => f.endsWith('error-context.md')), 'the failures left error-context.md');
    assert.ok(files.some((f) => f.endsWith(`html${path.sep}index.html`)), 'the HTML report exists');
    assert.ok(files.some((f) => f.endsWith('junit.xml')), 'junit.xml exists');

    const leaks: string[] = [];
    for (const file of files) {
      for (const [where, text] of await contents(path.relative(reportDir, file), readFileSync(file))) {
        for (const { kind, value } of secrets) {
          for (const form of new Set([value, encodeURIComponent(value)])) {
            const at = text.indexOf(form);
            if (at >= 0) leaks.push(`${where}: ${kind} …${text.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ')}<SECRET>`);
          }
        }
      }
    }
    assert.deepEqual(leaks.slice(0, 40), [], `${leaks.length} raw secrets in artifacts`);
  } finally {
    // KEEP_ARTIFACTS=1 keeps the run's folder and the ledger for a look (both are throwaway secrets).
    if (!process.env['KEEP_ARTIFACTS']) {
      rmSync(reportDir, { recursive: true, force: true });
      rmSync(path.dirname(ledger), { recursive: true, force: true });
    } else {
      process.stdout.write(`kept ${reportDir} and ${ledger}\n`);
    }
  }
});
