/** Ports for programs told a port up front: free, distinct, and (on Linux) outside the kernel's ephemeral range. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePorts } from '../../lib/free-ports.js';

test('the ports are distinct, bindable, and below the ephemeral range where the kernel never hands them out itself', async () => {
  const ports = await freePorts(5);
  assert.equal(new Set(ports).size, 5);
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  for (const port of ports) {
    assert.ok(port >= 10_000 && port < low, `${port} is outside [10000, ${low})`);
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
});
