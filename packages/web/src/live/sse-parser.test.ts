import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('dispatches a frame with its id, event name and data', () => {
    const parser = new SseParser();
    expect(parser.push('id: 7\nevent: action.created\ndata: {"a":1}\n\n')).toEqual([
      { id: '7', event: 'action.created', data: '{"a":1}' },
    ]);
  });

  it('reassembles a frame split at any byte boundary, including inside a CRLF', () => {
    const text = 'id: 1\r\nevent: x\r\ndata: hello\r\n\r\nid: 2\r\ndata: world\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser();
      const out = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(out.map((m) => m.data)).toEqual(['hello', 'world']);
    }
  });

  it('ignores heartbeat comments and joins multi-line data', () => {
    const parser = new SseParser();
    expect(parser.push(': heartbeat\n\n')).toEqual([]);
    expect(parser.push('data: a\ndata: b\n\n')).toEqual([{ id: null, event: 'message', data: 'a\nb' }]);
  });

  it('keeps the last id for later frames without one, as the spec says', () => {
    const parser = new SseParser();
    parser.push('id: 5\ndata: x\n\n');
    expect(parser.push('data: y\n\n')[0]?.id).toBe('5');
  });
});
