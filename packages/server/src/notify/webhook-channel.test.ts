import { createServer, type Socket } from 'node:net';
import type { OutboxMessage } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { unusedLoopbackPort } from '../testing/free-port.js';
import { WebhookChannel } from './webhook-channel.js';
import { newSecret } from './webhook-receiver.test-support.js';
import { webhookKey } from './webhook-signature.js';

const sockets = new Set<Socket>();
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A raw TCP receiver that writes `answer` to every connection after reading the request head. */
async function rawReceiver(answer: (socket: Socket) => void): Promise<string> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => answer(socket));
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/hook`;
}

const message = { id: 'msg_1', payload: { type: 'faramesh.test' } } as unknown as OutboxMessage;

function channel(url: string, timeoutMs = 1000) {
  return new WebhookChannel({
    name: 'ops',
    url: new URL(url),
    events: ['*'],
    keys: [webhookKey(newSecret())],
    timeoutMs,
  });
}

describe('webhook channel', () => {
  it('counts a 2xx with an endless body as delivered without reading the body', async () => {
    const url = await rawReceiver((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
      const chunk = `100000\r\n${'x'.repeat(0x100000)}\r\n`;
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk)) {}
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    expect(await channel(url).deliver(message, new AbortController().signal)).toEqual({ ok: true });
  });

  it('fails an attempt on garbage instead of HTTP, naming no secret and none of the garbage', async () => {
    const url = await rawReceiver((socket) =>
      socket.end('\u0000\u0001 not http at all secret-looking-garbage\r\n\r\n'),
    );
    const outcome = await channel(url).deliver(message, new AbortController().signal);
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ error: expect.stringMatching(/^request failed/) });
    expect(JSON.stringify(outcome)).not.toContain('garbage');
  });

  it('fails an attempt when the connection is refused or reset', async () => {
    const reset = await rawReceiver((socket) => socket.destroy());
    expect(await channel(reset).deliver(message, new AbortController().signal)).toMatchObject({ ok: false });
    const refused = await channel(`http://127.0.0.1:${await unusedLoopbackPort()}/`).deliver(
      message,
      new AbortController().signal,
    );
    expect(refused).toEqual({ ok: false, error: 'request failed (ECONNREFUSED)' });
  });

  it('gives up on headers that never finish within the timeout', async () => {
    const url = await rawReceiver((socket) => socket.write('HTTP/1.1 200 OK\r\n'));
    expect(await channel(url, 200).deliver(message, new AbortController().signal)).toEqual({
      ok: false,
      error: 'no answer within 200 ms',
    });
  });
});
