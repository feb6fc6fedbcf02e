/**
 * How a forged page fetch is classified: answered (judged by status), provably never sent by the browser
 * (a failed CORS preflight, from the browser's own network layer), or sent without an answer — the last
 * is "not testable", never a refusal (issue 7, path 4: a timeout used to count as rejected).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryOfPageFetch } from '../../fixtures/forgery.js';
import type { PageFetchResult } from '../../fixtures/probes.js';

const base: PageFetchResult = {
  pageSaw: 'TypeError: Failed to fetch',
  serverStatus: null,
  serverHeaders: {},
  serverBody: '',
  preflight: null,
  corsError: null,
  networkError: null,
};

test('an answer the page could not read still counts as answered, with its status', () => {
  assert.deepEqual(deliveryOfPageFetch({ ...base, serverStatus: 403, corsError: 'MissingAllowOriginHeader' }), { kind: 'answered', status: 403 });
});

test('a refused preflight is "not sent", with the proof', () => {
  const delivery = deliveryOfPageFetch({ ...base, corsError: 'PreflightMissingAllowOriginHeader', preflight: { status: 204, headers: {} } });
  assert.equal(delivery.kind, 'not-sent');
});

test('a timeout or a network error without a CORS verdict is "no answer", never a refusal', () => {
  assert.equal(deliveryOfPageFetch({ ...base, pageSaw: 'TimeoutError: signal timed out', networkError: 'net::ERR_ABORTED' }).kind, 'no-answer');
  assert.equal(deliveryOfPageFetch({ ...base, networkError: 'net::ERR_FAILED', corsError: 'MissingAllowOriginHeader' }).kind, 'no-answer');
});
