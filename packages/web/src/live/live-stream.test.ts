import type { StreamFrame } from '@faramesh/contract';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../api/http-client.js';
import { type ConnectionState, openLiveStream } from './live-stream.js';

function frame(id: number, actionId: string): string {
  const data = { action: { id: actionId }, event: { event_type: 'created', seq: id } };
  return `id: ${id}\nevent: action.created\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A stream endpoint that serves scripted connections, each a list of chunks and then a close. */
function scripted(connections: string[][]) {
  const seen: Array<Record<string, string>> = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    seen.push({ ...(init.headers as Record<string, string>) });
    const chunks = connections.shift();
    if (chunks === undefined) return new Response(new ReadableStream({ start() {} }), { status: 200 });
    const encoder = new TextEncoder();
    return new Response(
      new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
          controller.close();
        },
      }),
      { status: 200 },
    );
  }) as unknown as typeof fetch;
  return { seen, fetchImpl };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('openLiveStream', () => {
  it('sends the bearer token, and resumes with Last-Event-ID after a drop without repeating frames', async () => {
    const { seen, fetchImpl } = scripted([
      [frame(1, 'a'), frame(2, 'b')],
      [frame(2, 'b'), frame(3, 'c')],
    ]);
    const http = new HttpClient({ getToken: () => 'secret', fetch: fetchImpl });
    const got: string[] = [];
    const stream = openLiveStream({
      http,
      onFrame: (f: StreamFrame) => got.push(f.action.id),
      onState: () => undefined,
      minDelayMs: 1,
      maxDelayMs: 2,
    });
    await until(() => got.length === 3);
    stream.close();
    expect(got).toEqual(['a', 'b', 'c']);
    expect(seen[0]?.Authorization).toBe('Bearer secret');
    expect(seen[0]?.['Last-Event-ID']).toBeUndefined();
    expect(seen[1]?.['Last-Event-ID']).toBe('2');
  });

  it('reports reconnecting with a retry time, then live again', async () => {
    const { fetchImpl } = scripted([[frame(1, 'a')], []]);
    const states: ConnectionState['status'][] = [];
    const stream = openLiveStream({
      http: new HttpClient({ getToken: () => null, fetch: fetchImpl }),
      onFrame: () => undefined,
      onState: (s) => states.push(s.status),
      minDelayMs: 1,
      maxDelayMs: 2,
    });
    await until(() => states.filter((s) => s === 'live').length >= 2);
    stream.close();
    expect(states.slice(0, 4)).toEqual(['connecting', 'live', 'reconnecting', 'connecting']);
  });

  it('stops and reports unauthorized on 401 instead of retrying forever', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return new Response('{}', { status: 401 });
    }) as unknown as typeof fetch;
    const states: string[] = [];
    openLiveStream({
      http: new HttpClient({ getToken: () => 'old', fetch: fetchImpl }),
      onFrame: () => undefined,
      onState: (s) => states.push(s.status),
      minDelayMs: 1,
    });
    await until(() => states.includes('unauthorized'));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(1);
  });
});
