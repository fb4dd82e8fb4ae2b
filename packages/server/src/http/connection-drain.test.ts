import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

describe('graceful close', () => {
  it('ends a keep-alive connection that never sent a request instead of waiting for the client', async () => {
    const server = await startTestServer();
    const { port } = await server.listen();
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    // Without the drain, close() would wait for this idle client to hang up (it never does here).
    await server.close();
    await ended;
    expect(socket.readyState).not.toBe('open');
    socket.destroy();
  });

  it('lets a request in flight finish while the server closes', async () => {
    const server = await startTestServer();
    const { url } = await server.listen();
    const submitted = await server.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } },
    });
    const id = submitted.json().id;
    const waiting = fetch(`${url}/v1/actions/${id}/wait?timeout_ms=2000`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.close();
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('pending_approval');
  });
});
