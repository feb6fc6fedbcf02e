/**
 * The catalogue's traceability, both ways: every requirement has a source, a spec and a fault mode
 * that proves it can fail (catalogue.test.ts checks spec titles and gateway fault modes; this file adds
 * sources, the harness faults of the ENV checks, and the normative sentences of catalogue/traceability.ts),
 * and every normative sentence of a cited document is tied to requirements or excluded with a reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUIREMENTS, findRequirement } from '../../catalogue/requirements.js';
import { SOURCES, formatSource, sourceUrl } from '../../catalogue/sources.js';
import { CITED_FOR_DEFINITIONS, OWN_DUTIES, TRACEABILITY } from '../../catalogue/traceability.js';
import { FAULT_MODES, type FaultMode } from '../../targets/reference/faults.js';
import { HARNESS_FAULTS } from '../../config/run-plan.js';
import { CLIENT_HARNESS_FAULT_DETECTED_BY, HARNESS_FAULT_DETECTED_BY } from '../../cli/selftest.js';
import { readSpecSources } from '../../cli/catalogue-view.js';
import { traceabilityCounts, traceabilityMarkdown } from '../../cli/traceability-view.js';

const specText = readSpecSources(process.cwd()).map((s) => s.text).join('\n');

test('every requirement has a source, and cites only the shared documents of catalogue/sources.ts', () => {
  for (const r of REQUIREMENTS) {
    assert.ok(r.sources.length > 0, `${r.id} has no source`);
    for (const ref of r.sources) {
      if (ref.kind === 'ours') continue;
      assert.ok(SOURCES.includes(ref.source), `${r.id} cites "${formatSource(ref)}", a document missing from SOURCES`);
      assert.ok(sourceUrl(ref)?.startsWith('https://'), `${r.id}: "${formatSource(ref)}" has no https URL`);
    }
  }
});

test('every requirement has a spec: a test whose title starts with its ID', () => {
  for (const r of REQUIREMENTS) assert.match(specText, new RegExp(`test\\(\\s*['"\`]${r.id} `), `${r.id}: no test title in specs/** starts with "${r.id} "`);
});

test('every requirement has a fault mode: a reference fault mode for gateway requirements, a harness fault for ENV checks', () => {
  const envTrippedBy = [...Object.values(HARNESS_FAULT_DETECTED_BY), ...Object.values(CLIENT_HARNESS_FAULT_DETECTED_BY)];
  const tripped = new Set([...(FAULT_MODES as readonly FaultMode[]).flatMap((f) => [...f.detectedBy, ...(f.alsoFails ?? [])]), ...envTrippedBy]);
  const missing = REQUIREMENTS.filter((r) => !tripped.has(r.id)).map((r) => r.id);
  assert.deepEqual(missing, [], `requirements no fault mode trips: ${missing.join(', ')}`);
  // The ENV checks are tripped by harness faults only: a gateway fault mode cannot make the environment invalid.
  for (const r of REQUIREMENTS.filter((x) => x.family === 'ENV')) {
    assert.ok(envTrippedBy.includes(r.id), `${r.id}: no harness fault (config/run-plan.ts HARNESS_FAULTS) trips it`);
  }
  assert.deepEqual(Object.keys(HARNESS_FAULT_DETECTED_BY).sort(), [...HARNESS_FAULTS].sort(), 'every harness fault names the ENV check it trips');
  for (const id of Object.values(HARNESS_FAULT_DETECTED_BY)) assert.equal(findRequirement(id)?.family, 'ENV', `a harness fault names ${id}, not an ENV check`);
});

test('every traced sentence names only catalogued requirements, and is tied or excluded with a reason', () => {
  for (const s of TRACEABILITY) {
    const where = `${s.source.label} ${s.section}: "${s.text}"`;
    assert.ok(s.text.length > 0 && s.text.length <= 200, `${where}: the sentence must be 1–200 characters`);
    assert.ok(SOURCES.includes(s.source), `${where}: a document missing from SOURCES`);
    if (s.requirements !== undefined) {
      assert.ok(s.requirements.length > 0, `${where}: tied to no requirement`);
      for (const id of s.requirements) assert.ok(findRequirement(id), `${where}: unknown requirement ${id}`);
    } else {
      assert.ok(s.excluded.trim().length > 0, `${where}: excluded without a reason`);
    }
    // A quote carries its keyword as written; a paraphrase (an algorithm step, folded bullets) may not.
    if (s.paraphrase !== true) assert.ok(s.text.includes(s.keyword), `${where}: a quote without its keyword ${s.keyword}`);
  }
  const keys = TRACEABILITY.map((s) => `${s.source.label}|${s.section}|${s.text}`);
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], 'a sentence is traced twice');
});

test('every requirement is reached from a normative sentence, or is listed as our own duty with an OURS source', () => {
  const reached = new Set(TRACEABILITY.flatMap((s) => s.requirements ?? []));
  const unreached = REQUIREMENTS.filter((r) => !reached.has(r.id) && !OWN_DUTIES.has(r.id)).map((r) => r.id);
  assert.deepEqual(unreached, [], `requirements no traced sentence reaches (tie one, or add them to OWN_DUTIES): ${unreached.join(', ')}`);
  for (const [id, why] of OWN_DUTIES) {
    const r = findRequirement(id);
    assert.ok(r, `OWN_DUTIES names unknown requirement ${id}`);
    assert.ok(why.trim().length > 0, `${id}: own duty without a reason`);
    assert.ok(r.sources.some((ref) => ref.kind === 'ours'), `${id} is listed as our own duty but its catalogue sources have no OURS(…)`);
  }
});

test('every normative document the catalogue cites is traced sentence by sentence, or says what it is cited for', () => {
  const cited = new Set(REQUIREMENTS.flatMap((r) => r.sources.flatMap((ref) => (ref.kind === 'citation' ? [ref.source] : []))));
  for (const source of cited) {
    if (source.kind !== 'normative') continue;
    const traced = TRACEABILITY.some((s) => s.source === source);
    assert.ok(traced || CITED_FOR_DEFINITIONS.has(source), `${source.label} is cited but none of its sentences is traced`);
  }
});

test('citations print as the report has always shown them', () => {
  const ids = ['FLOW-06', 'XSITE-03', 'SESSION-02'] as const;
  const printed = ids.map((id) => findRequirement(id)?.sources.map(formatSource));
  assert.deepEqual(printed[0], ['MCP 2025-11-25 security best practices §2.1.5', 'RFC 6749 §10.12', 'RFC 9700 §4.7.1']);
  assert.equal(printed[1]?.[2], 'RFC 6749 §10.13 (clickjacking)');
  assert.deepEqual(printed[2], ['WHATWG Fetch: credentials mode defaults to "same-origin"', 'ContextForge #3059', '(ours)']);
  const flow06 = findRequirement('FLOW-06')?.sources[1];
  assert.equal(flow06 === undefined ? undefined : sourceUrl(flow06), 'https://www.rfc-editor.org/rfc/rfc6749#section-10.12');
});

test('the traceability view counts every sentence once and prints a row per sentence', () => {
  const counts = traceabilityCounts();
  assert.equal(counts.reduce((n, c) => n + c.tied + c.excluded, 0), TRACEABILITY.length);
  const markdown = traceabilityMarkdown();
  for (const c of counts) assert.ok(markdown.includes(`## ${c.source.label}: `), `no section for ${c.source.label}`);
  assert.equal(markdown.split('\n').filter((l) => /^\| .*? \| (MUST|MUST NOT|SHOULD|SHOULD NOT|REQUIRED|RECOMMENDED) \| /.test(l)).length, TRACEABILITY.length);
});
