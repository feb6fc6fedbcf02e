/** Starts `server` on a free port of 127.0.0.1 (every server of the suite binds to loopback only) and returns the port. */
import type { AddressInfo, Server } from 'node:net';

export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
