import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now (bound, then released): for a server that must be
 * told its URL before it starts, or for an address that refuses connections.
 */
export async function unusedLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}
