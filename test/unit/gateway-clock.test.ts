import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockReading, onGatewayClock } from '../../fixtures/gateway-clock.js';
import { startReferenceGateway } from '../../targets/reference/index.js';

test('a Date header read between two of our times gives the offset within its whole second and the round trip', () => {
  const sentAt = Date.parse('2026-12-07T10:00:00.200Z');
  const receivedAt = sentAt + 100;
  // The gateway is 451 s ahead: it made its answer at 10:07:31.250 by its clock, and says 10:07:31.
  const reading = clockReading('Mon, 07 Dec 2026 10:07:31 GMT', sentAt, receivedAt);
  assert.equal(reading.dated, true);
  assert.ok(Math.abs(reading.offsetMs - 451_000) <= reading.uncertaintyMs, `451 s within ${reading.offsetMs} ± ${reading.uncertaintyMs}`);
  assert.ok(reading.uncertaintyMs <= 600, 'a whole second and a 100 ms round trip: about ±550 ms');
  const window = onGatewayClock({ fromMs: sentAt - 2_000, toMs: receivedAt + 1_000 }, reading);
  assert.ok(window.fromMs <= sentAt - 2_000 + 451_000 && window.toMs >= receivedAt + 1_000 + 451_000, 'the shifted window holds the gateway times');
});

test('no Date header (or an unreadable one) leaves our window as it is, and says so', () => {
  for (const date of [undefined, 'yesterday']) {
    const reading = clockReading(date, 1_000, 1_100);
    assert.deepEqual(reading, { offsetMs: 0, uncertaintyMs: 0, dated: false });
    assert.deepEqual(onGatewayClock({ fromMs: 10, toMs: 20 }, reading), { fromMs: 10, toMs: 20 });
  }
});

test("the reference gateway's Date header tells its own clock, moved or not", async (t) => {
  const gateway = await startReferenceGateway({ faultMode: null, users: [{ login: 'alice', password: 'alice-password-123' }] });
  t.after(() => gateway.close());
  const dateNow = async (): Promise<number> => Date.parse((await fetch(`http://127.0.0.1:${gateway.port}/`)).headers.get('date') ?? '');
  const before = await dateNow();
  assert.ok(Math.abs(before - Date.now()) < 2_000, 'unmoved: our time, to the second');
  gateway.advanceClock(451_000);
  const after = await dateNow();
  assert.ok(after - Date.now() > 449_000, `moved 451 s: the header says ${new Date(after).toISOString()}`);
});
