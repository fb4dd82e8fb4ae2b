import { EventSource, type EventSourceFetchInit } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type RunningServer, startServer, workDir } from './harness.js';

// SSE consumers as the seed's users wrote them: a real `EventSource` (the `eventsource` package,
// WHATWG semantics) using `onmessage`, next to one using `addEventListener('action.created')`.

interface Received {
  via: string;
  lastEventId: string;
  data: { type: string; action: { id: string; tool: string }; event: { seq: number; event_type: string } };
}

/** An EventSource that records every message it dispatches and the headers of every request it makes. */
function listen(url: string, names: string[] = []) {
  const received: Received[] = [];
  const requests: Record<string, string>[] = [];
  const source = new EventSource(url, {
    fetch: (input: string | URL, init: EventSourceFetchInit) => {
      const headers: Record<string, string> = { ...init.headers };
      requests.push(headers);
      return fetch(input, init).then((response) => {
        headers.status = String(response.status);
        return response;
      });
    },
  });
  const record = (via: string) => (message: MessageEvent) => {
    received.push({ via, lastEventId: message.lastEventId, data: JSON.parse(String(message.data)) });
  };
  source.onmessage = record('message');
  for (const name of names) source.addEventListener(name, record(name));
  const opened = new Promise<void>((resolve) => source.addEventListener('open', () => resolve(), { once: true }));
  return {
    source,
    received,
    requests,
    opened,
    async waitFor(count: number, timeoutMs = 15_000): Promise<Received[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `only ${received.length}/${count} messages arrived; requests: ${JSON.stringify(requests)}, state ${source.readyState}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received.slice(0, count);
    },
  };
}

const httpGet = (n: number) => ({ agent_id: 'sse', tool: 'http', operation: 'get', params: { url: 'https://x', n } });
const shell = { agent_id: 'sse', tool: 'shell', operation: 'run', params: { cmd: 'ls' } };

describe('SSE with a real EventSource client', () => {
  let server: RunningServer;
  const { dir } = workDir();
  const open: EventSource[] = [];

  beforeAll(async () => {
    server = await startServer({ dir });
  });
  afterAll(async () => {
    for (const source of open) source.close();
    await server?.stop();
  });

  const stream = (query: string, names: string[] = []) => {
    const listener = listen(`${server.url}/v1/events${query}`, names);
    open.push(listener.source);
    return listener;
  };

  it('gives onmessage every event with ?format=unnamed, each frame naming itself in `type`', async () => {
    const unnamed = stream('?format=unnamed', ['action.created', 'action.decided']);
    await unnamed.opened;
    const a = (await api(server.url, '/v1/actions', { body: shell })).json;
    const b = (await api(server.url, '/v1/actions', { body: httpGet(1) })).json;
    const got = await unnamed.waitFor(4);
    expect(got.map((m) => m.via)).toEqual(['message', 'message', 'message', 'message']);
    expect(got.map((m) => m.data.type)).toEqual([
      'action.created',
      'action.decided',
      'action.created',
      'action.decided',
    ]);
    expect(got.map((m) => m.data.action.id)).toEqual([a.id, a.id, b.id, b.id]);
    for (const message of got) expect(message.lastEventId).toBe(String(message.data.event.seq));
    unnamed.source.close();
  });

  it('keeps named events for addEventListener consumers, with the same `type` in the data', async () => {
    const named = stream('', ['action.created', 'action.decided']);
    await named.opened;
    const a = (await api(server.url, '/v1/actions', { body: httpGet(2) })).json;
    const got = await named.waitFor(2);
    expect(got.map((m) => [m.via, m.data.type])).toEqual([
      ['action.created', 'action.created'],
      ['action.decided', 'action.decided'],
    ]);
    expect(got.every((m) => m.data.action.id === a.id)).toBe(true);
    // A named frame never reaches onmessage, which is why the unnamed form exists.
    expect(named.received.some((m) => m.via === 'message')).toBe(false);
    named.source.close();
  });

  it('filters the same events in both forms', async () => {
    const unnamed = stream('?tool=http&format=unnamed');
    const named = stream('?tool=http&format=named', ['action.created', 'action.decided']);
    await Promise.all([unnamed.opened, named.opened]);
    await api(server.url, '/v1/actions', { body: shell });
    const a = (await api(server.url, '/v1/actions', { body: httpGet(3) })).json;
    const [u, n] = await Promise.all([unnamed.waitFor(2), named.waitFor(2)]);
    expect(u.map((m) => m.data.action.id)).toEqual([a.id, a.id]);
    expect(u.map((m) => m.lastEventId)).toEqual(n.map((m) => m.lastEventId));
    expect(u.map((m) => m.data)).toEqual(n.map((m) => m.data));
    unnamed.source.close();
    named.source.close();
  });

  it('resumes with Last-Event-ID across a server restart without loss or repeats, in both forms', async () => {
    const unnamed = stream('?agent_id=resume&format=unnamed');
    const named = stream('?agent_id=resume', ['action.created', 'action.decided']);
    await Promise.all([unnamed.opened, named.opened]);
    const before = (await api(server.url, '/v1/actions', { body: { ...httpGet(4), agent_id: 'resume' } })).json;
    await Promise.all([unnamed.waitFor(2), named.waitFor(2)]);

    const port = new URL(server.url).port;
    await server.stop();
    server = await startServer({ dir, args: ['--port', port] });
    // Submitted before the clients' retry (2 s) fires: they learn of it only through the resume.
    const after = (await api(server.url, '/v1/actions', { body: { ...httpGet(5), agent_id: 'resume' } })).json;

    for (const listener of [unnamed, named]) {
      const got = await listener.waitFor(4);
      expect(got.map((m) => m.data.action.id)).toEqual([before.id, before.id, after.id, after.id]);
      expect(got.map((m) => m.data.type)).toEqual([
        'action.created',
        'action.decided',
        'action.created',
        'action.decided',
      ]);
      const seqs = got.map((m) => m.data.event.seq);
      expect(new Set(seqs).size).toBe(4);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      // The reconnection carried the last id the client had seen.
      const resumed = listener.requests.find((headers) => headers['Last-Event-ID'] === String(seqs[1]));
      expect(resumed).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(listener.received).toHaveLength(4);
      listener.source.close();
    }
  });

  it('sends heartbeats as comments in both forms, and unnamed frames without an event line', async () => {
    await api(server.url, '/v1/actions', { body: { ...httpGet(6), agent_id: 'raw' } });
    for (const format of ['named', 'unnamed']) {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/v1/events?agent_id=raw&last_event_id=0&format=${format}`, {
        signal: controller.signal,
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        if ((text.match(/^: heartbeat$/gm) ?? []).length >= 2) break;
      }
      controller.abort();
      const frames = text.split('\n\n').filter((block) => block.includes('data: '));
      expect(frames).toHaveLength(2);
      for (const frame of frames) {
        const lines = frame.split('\n');
        expect(lines[0]).toMatch(/^id: \d+$/);
        if (format === 'named') expect(lines[1]).toMatch(/^event: action\.(created|decided)$/);
        else expect(lines.some((line) => line.startsWith('event:'))).toBe(false);
      }
    }
  });

  it('refuses an unknown format with 400 validation_failed', async () => {
    const res = await api(server.url, '/v1/events?format=plain');
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('validation_failed');
  });
});
