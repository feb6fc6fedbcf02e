/**
 * A token in a log is a token everywhere the log goes: log shippers, support bundles, the terminal of whoever
 * debugs the gateway. The delegated tokens, the PKCE verifier and the client secret belong to the gateway's memory
 * and its store, never to its log lines. The happy path is half of it: the lines that leak are the debugging aids
 * on the renewal and failure paths (a token response "to debug an IdP integration", the MCP request that failed,
 * Authorization header and all), so the paths FLOW-12 walks for the browser are walked here for the log.
 *
 * What the gateway wrote is read as it wrote it, in memory (lib/raw-log.ts); the log file a run keeps is redacted,
 * so a finding is named by line number and shown with the secret replaced by its hash.
 */
import { test, expect, req } from '../../fixtures/index.js';
import { authorize } from '../../fixtures/flows.js';
import { didNotComplete, pressFetchTools } from '../../fixtures/fetch-tools.js';
import { rawRequest } from '../../fixtures/raw-http.js';
import { tokenRequestsOf, walkRenewalAndFailurePaths } from '../../fixtures/secret-paths.js';
import { scanForTokens } from '../../fixtures/token-scan.js';
import { redactLogLine } from '../../lib/log-redaction.js';
import { notTestable } from '../../lib/outcome.js';

/** Lines shown in the evidence per finding: enough to find the log statement. */
const LINES_SHOWN = 3;

test("TOKEN-15 the gateway's own log holds no delegated token, PKCE verifier or client secret, on the happy, renewal and failure paths", req('TOKEN-15'), async ({
  harness,
  alice,
  upstream,
  evidence,
}) => {
  test.slow(); // three authorizations and four presses
  const { target } = harness;
  const log = target.serverLog ?? notTestable("the adapter does not read the gateway's own log (Target.serverLog; an attached gateway's output is not the harness's to read)");
  const droppedBefore = log.droppedBytes;
  const writtenBefore = log.writtenBytes;

  await authorize(harness, alice, upstream);
  const happy = await pressFetchTools(harness, alice.page, upstream, 'callback').then(
    (exchange) => exchange.status,
    didNotComplete,
  );
  const paths = await walkRenewalAndFailurePaths(harness, alice, upstream, async () => {});
  // One more answered request: what the gateway wrote while it answered the last step is in its output before
  // that answer, and this round trip lets the harness read it from the pipe before the search.
  await rawRequest(`${target.origin}${target.adminPagePath}`, { timeoutMs: harness.responseBoundMs });
  evidence.add('paths', { 'a Fetch Tools right after authorizing': happy, ...paths });
  evidence.add('tokenRequests', tokenRequestsOf(harness, upstream));

  // Calibration: the log is live (the gateway wrote while the flow ran) and nothing of this test's stretch was dropped.
  const written = log.writtenBytes - writtenBefore;
  if (written === 0) notTestable("the gateway wrote nothing to its log while the flow ran: the harness is not reading the log it writes");
  if (log.droppedBytes !== droppedBefore) notTestable(`the in-memory copy of the gateway's log dropped lines during this test (${log.droppedBytes - droppedBefore} characters), so a search could miss them`);

  const secrets = harness.idp.leakScanSecrets(upstream.clientId);
  for (const s of secrets) evidence.secret(s.value);
  const lines = log.text().split('\n');
  const where = (index: number): string => `gateway log line ${index + 1}`;
  const lineAt = new Map(lines.map((text, index) => [where(index), text]));
  const sightings = scanForTokens(
    lines.map((text, index) => ({ where: where(index), text })),
    secrets,
  );
  const kinds = secrets.reduce<Record<string, number>>((n, s) => ({ ...n, [s.kind]: (n[s.kind] ?? 0) + 1 }), {});
  const values = secrets.map((s) => s.value);
  evidence.add('scanned', { lines: lines.length, charactersWrittenDuringTest: written, secretsByKind: kinds });
  evidence.add(
    'sightings',
    sightings.map((s) => ({ ...s, line: redactLogLine(lineAt.get(s.where) ?? '', values).slice(0, 400) })).slice(0, LINES_SHOWN * 4),
  );
  expect(
    [...new Set(sightings.map((s) => s.kind))].map((kind) => `${kind} (${sightings.filter((s) => s.kind === kind).slice(0, LINES_SHOWN).map((s) => s.where).join(', ')})`),
    "secrets the IdP issued to this gateway (or received from it) found in the gateway's own log",
  ).toEqual([]);
  // A sighting is a leak whatever else happened; without one, the search means something only once the IdP issued
  // tokens to this gateway (one whose code exchange never succeeds has failed other requirements, not this one).
  if ((kinds['access'] ?? 0) === 0) notTestable('the IdP issued no access token to this gateway while the flow ran, so the search had none to look for');
  if ((kinds['client_secret'] ?? 0) !== 1) notTestable("the gateway's client secret is not known to the search");
});
