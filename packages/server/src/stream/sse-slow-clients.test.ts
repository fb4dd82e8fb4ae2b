import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
});

/** An SSE client over a raw socket that can stop reading (its TCP window fills, as a stuck client's would). */
function openStream(url: string, lastEventId?: string) {
  let text = '';
  let response: IncomingMessage | undefined;
  let closed = false;
  const ended = new Promise<void>((resolve) => {
    const request = get(`${url}/v1/events`, { headers: lastEventId ? { 'last-event-id': lastEventId } : {} }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      const done = () => {
        closed = true;
        resolve();
      };
      res.on('close', done);
      res.on('error', done);
    });
    request.on('error', () => {
      closed = true;
      resolve();
    });
  });
  return {
    ended,
    get closed() {
      return closed;
    },
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    /** Ids of the complete frames received (a cut-off may leave a partial one, which SSE discards). */
    ids: () =>
      text
        .split('\n\n')
        .slice(0, -1)
        .filter((frame) => frame.includes('\ndata: '))
        .map((frame) => Number(/^id: (\d+)$/m.exec(frame)?.[1])),
    connected: () => text.startsWith(': connected'),
  };
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function submitLarge(s: Server, count: number, size: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await s.app.inject({
      method: 'POST',
      url: '/v1/actions',
      payload: { agent_id: 'a', tool: 'http', operation: 'get', params: { i, blob: 'x'.repeat(size) } },
    });
    expect(res.statusCode).toBe(201);
  }
}

async function metric(s: Server, line: string): Promise<boolean> {
  const text = (await s.app.inject({ url: '/metrics' })).body;
  return text.split('\n').includes(line);
}

describe('SSE clients that stop reading', () => {
  it('cuts off a client whose unsent bytes exceed its bound; it resumes with Last-Event-ID and loses nothing', async () => {
    server = await startTestServer({
      env: { FARAMESH_SSE_CLIENT_BUFFER_BYTES: String(256 * 1024), FARAMESH_SSE_HEARTBEAT_MS: '60000' },
    });
    const { url } = await server.listen();
    const stuck = openStream(url);
    const reader = openStream(url);
    await until(() => stuck.connected() && reader.connected(), 'both streams to connect');
    stuck.pause();
    // 60 submissions × 2 frames of ~200 KB: far more than the kernel's socket buffers hold.
    await submitLarge(server, 60, 200_000);
    // A paused client notices nothing until it reads again; the server has let go of it.
    await until(() => server?.context.streams.size === 1, 'the stuck client to be cut off');
    expect(reader.closed).toBe(false);
    expect(await metric(server, 'faramesh_sse_cutoffs_total{reason="client_too_slow"} 1')).toBe(true);

    // The stuck client reads what reached it, then reconnects from its last complete frame.
    stuck.resume();
    await stuck.ended;
    const before = stuck.ids();
    expect(before.length).toBeLessThan(120);
    const last = before.at(-1) ?? 0;
    const resumed = openStream(url, String(last));
    await until(() => resumed.ids().at(-1) === 120, 'the resumed stream to reach the head');
    expect([...before, ...resumed.ids()]).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await until(() => reader.ids().at(-1) === 120, 'the reading client to receive everything');
    expect(reader.ids()).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('cuts off stalled clients once together they would hold more than the server-wide SSE budget', async () => {
    server = await startTestServer({
      env: {
        FARAMESH_SSE_BUFFER_BYTES: String(512 * 1024),
        FARAMESH_SSE_CLIENT_BUFFER_BYTES: String(1024 * 1024 * 1024),
        FARAMESH_SSE_HEARTBEAT_MS: '60000',
      },
    });
    const { url } = await server.listen();
    const stuck = [openStream(url), openStream(url), openStream(url), openStream(url)];
    await until(() => stuck.every((s) => s.connected()), 'the streams to connect');
    for (const s of stuck) s.pause();
    await submitLarge(server, 60, 200_000);
    await until(() => (server?.context.streams.size ?? 4) < 4, 'a stalled client to be cut off');
    expect(server.context.sseBudget.held).toBeLessThanOrEqual(512 * 1024);
    const text = (await server.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/faramesh_sse_cutoffs_total\{reason="server_buffer_full"\} [1-9]/);
    expect(text).not.toMatch(/reason="client_too_slow"/);
    for (const s of stuck) s.resume();
  });
});
