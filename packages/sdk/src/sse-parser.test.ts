import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('dispatches an event on a blank line with id, event and data', () => {
    const p = new SseParser();
    const out = p.feed('id: 7\nevent: action.created\ndata: {"a":1}\n\n');
    expect(out).toEqual([{ id: '7', event: 'action.created', data: '{"a":1}' }]);
    expect(p.lastEventId).toBe('7');
  });

  it('joins multi-line data with newlines', () => {
    const out = new SseParser().feed('data: one\ndata: two\n\n');
    expect(out[0]?.data).toBe('one\ntwo');
    expect(out[0]?.event).toBe('message');
  });

  it('handles any chunking, including CRLF split across chunks', () => {
    const text = 'id: 1\r\nevent: e\r\ndata: x\r\n\r\nid: 2\rdata: y\r\r';
    for (let size = 1; size <= text.length; size++) {
      const p = new SseParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...p.feed(text.slice(i, i + size)));
      expect(out, `chunk size ${size}`).toEqual([
        { id: '1', event: 'e', data: 'x' },
        { id: '2', event: 'message', data: 'y' },
      ]);
    }
  });

  it('ignores comments (heartbeats) and events without data, but keeps their id', () => {
    const p = new SseParser();
    expect(p.feed(': heartbeat\n\nid: 9\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('9');
  });

  it('reads retry and ignores unknown fields and ids containing NUL', () => {
    const p = new SseParser();
    p.feed('retry: 2500\nfoo: bar\nid: a\0b\ndata: z\n\n');
    expect(p.retryMs).toBe(2500);
    expect(p.lastEventId).toBe('');
  });

  it('strips only one leading space and a leading BOM', () => {
    const out = new SseParser().feed('\ufeffdata:  two spaces\n\n');
    expect(out[0]?.data).toBe(' two spaces');
  });

  it('does not dispatch an unterminated event', () => {
    expect(new SseParser().feed('data: partial\n')).toEqual([]);
  });
});

describe('SseParser bounds', () => {
  it('throws instead of buffering an event past its limit, line or data', () => {
    expect(() => new SseParser(16).feed(`data: ${'x'.repeat(32)}`)).toThrow(RangeError);
    const p = new SseParser(16);
    p.feed('data: 0123456789\n');
    expect(() => p.feed('data: 0123456789\n')).toThrow(/larger than 16 characters/);
  });

  it('keeps the id of a frame without data, as the server sends on connect', () => {
    const p = new SseParser();
    expect(p.feed(': connected\nid: 42\nretry: 2000\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('42');
    expect(p.retryMs).toBe(2000);
  });
});
