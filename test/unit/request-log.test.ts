/**
 * The IdP's request log lets a spec wait on a request itself (FLOW-09 waits for a second code exchange): the wait
 * ends when the count is reached, at once when it already is, and never for entries that do not match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestLog, type LogDraft } from '../../mock-idp/request-log.js';
import { arrivedWithin } from '../../lib/bounded-wait.js';

function exchange(clientId: string): LogDraft {
  return { kind: 'token:authorization_code', clientId, method: 'POST', path: '/token', params: {}, urlQueryNames: [], status: 400, outcome: 'invalid_grant' };
}

test('whenLogged resolves at the count-th matching entry, and at once when the log already holds them', async () => {
  const log = new RequestLog();
  const isMine = (e: { clientId?: string | undefined }): boolean => e.clientId === 'mine';
  const second = log.whenLogged(isMine, 2);
  log.record(exchange('mine'));
  log.record(exchange('other'));
  assert.equal(await arrivedWithin(second, 50), false, 'one matching entry is not two');
  log.record(exchange('mine'));
  assert.equal(await arrivedWithin(second, 1_000), true);
  assert.equal(await arrivedWithin(log.whenLogged(isMine, 2), 50), true, 'already logged');
});
