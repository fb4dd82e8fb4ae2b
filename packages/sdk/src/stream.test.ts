import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FarameshClient } from './client.js';
import type { StreamStatus } from './stream.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let server: Server | undefined;

async function sseServer(handler: Handler): Promise<{ url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  server = createServer((req, res) => {
    requests.push(req);
    handler(req, res, requests.length);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const frame = (seq: number, type = 'created') =>
  `id: ${seq}\nevent: action.${type}\ndata: ${JSON.stringify({
    action: { id: `a${seq}`, status: 'allowed' },
    event: { seq, event_type: type },
  })}\n\n`;

const open = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
};

describe('FarameshClient.stream', () => {
  it('parses frames, sends the token, and resumes with Last-Event-ID after a disconnect', async () => {
    const { url, requests } = await sseServer((_req, res, n) => {
      open(res);
      if (n === 1) {
        res.write(`: heartbeat\n\n${frame(1)}${frame(2, 'decided')}`);
        setTimeout(() => res.destroy(), 20);
      } else {
        res.write(frame(3));
      }
    });
    const statuses: StreamStatus['state'][] = [];
    const client = new FarameshClient({ baseUrl: url, token: 'secret' });
    const seen: string[] = [];
    for await (const e of client.stream({
      filters: { tool: 'shell' },
      initialDelayMs: 10,
      onStatus: (s) => statuses.push(s.state),
    })) {
      seen.push(`${e.id}:${e.event}:${e.data.action.id}`);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['1:action.created:a1', '2:action.decided:a2', '3:action.created:a3']);
    expect(requests[0]?.headers.authorization).toBe('Bearer secret');
    expect(requests[0]?.url).toBe('/v1/events?tool=shell');
    expect(requests[0]?.headers['last-event-id']).toBeUndefined();
    expect(requests[1]?.headers['last-event-id']).toBe('2');
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('starts from lastEventId when given', async () => {
    const { url, requests } = await sseServer((_req, res) => {
      open(res);
      res.write(frame(42));
    });
    const client = new FarameshClient({ baseUrl: url });
    for await (const e of client.stream({ lastEventId: 41 })) {
      expect(e.id).toBe('42');
      break;
    }
    expect(requests[0]?.headers['last-event-id']).toBe('41');
  });

  it('reconnects after a refused connection, with backoff', async () => {
    const { url } = await sseServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'not_ready', message: 'starting', details: null } }));
        return;
      }
      open(res);
      res.write(frame(1));
    });
    const delays: number[] = [];
    const client = new FarameshClient({ baseUrl: url });
    for await (const e of client.stream({
      initialDelayMs: 5,
      onStatus: (s) => {
        if (s.state === 'reconnecting') delays.push(s.delayMs);
      },
    })) {
      expect(e.id).toBe('1');
      break;
    }
    expect(delays).toEqual([5]);
  });

  it('stops with the error on 401 instead of reconnecting forever', async () => {
    const { url, requests } = await sseServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'bad token', details: null } }));
    });
    const client = new FarameshClient({ baseUrl: url, token: 'wrong' });
    const consume = async () => {
      for await (const _ of client.stream({ initialDelayMs: 1 })) {
        // nothing arrives
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(requests).toHaveLength(1);
  });

  it('reconnects when the stream goes silent past the idle timeout', async () => {
    const { url, requests } = await sseServer((_req, res, n) => {
      open(res);
      if (n === 2) res.write(frame(5));
      // first connection: headers, then silence
    });
    const client = new FarameshClient({ baseUrl: url });
    for await (const e of client.stream({ idleTimeoutMs: 50, initialDelayMs: 1 })) {
      expect(e.id).toBe('5');
      break;
    }
    expect(requests).toHaveLength(2);
  });

  it('ends quietly when the signal aborts', async () => {
    const { url } = await sseServer((_req, res) => {
      open(res);
      res.write(frame(1));
    });
    const controller = new AbortController();
    const client = new FarameshClient({ baseUrl: url });
    const seen: string[] = [];
    for await (const e of client.stream({ signal: controller.signal })) {
      seen.push(e.id);
      controller.abort();
    }
    expect(seen).toEqual(['1']);
  });

  it('gives up after maxAttempts failed reconnections', async () => {
    const { url } = await sseServer((_req, res) => res.destroy());
    const client = new FarameshClient({ baseUrl: url });
    const consume = async () => {
      for await (const _ of client.stream({ maxAttempts: 2, initialDelayMs: 1 })) {
        // nothing arrives
      }
    };
    await expect(consume()).rejects.toMatchObject({ code: 'connection_failed' });
  });
});
