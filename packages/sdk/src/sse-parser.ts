/** One dispatched server-sent event. */
export interface SseMessage {
  /** The last event id seen on this stream (the `id:` of this event or an earlier one). */
  id: string;
  event: string;
  data: string;
}

/** Default bound on what one event may buffer (its unfinished line plus its data lines). */
const DEFAULT_MAX_EVENT_CHARS = 32 * 1024 * 1024;

/**
 * Incremental parser for `text/event-stream`, following the WHATWG algorithm: lines end in CRLF, LF
 * or CR (also split across chunks); `:` lines are comments (heartbeats); `data:` lines accumulate;
 * a blank line dispatches. Feed it decoded text in any chunking.
 *
 * Why not `eventsource-parser` (the library the field uses, checked at 3.1): it forgets an `id:`
 * that comes in a frame without data, and the server sends exactly that on connect (`id: <seq>`,
 * the resume point before any event arrives; see sse-connection.ts), which `lastEventId` keeps.
 * This is the project's one SSE parser: the dashboard uses it through this package.
 */
export class SseParser {
  private buffer = '';
  private data = '';
  private hasData = false;
  private eventType = '';
  private pendingCr = false;
  /** The resume point: the last `id:` received, sent back as Last-Event-ID. */
  lastEventId = '';
  /** The reconnection delay the server asked for with `retry:`, if any. */
  retryMs: number | undefined;

  /** @param maxEventChars the most one event may buffer before `feed` throws (a stream that never ends a line or an event). */
  constructor(private readonly maxEventChars: number = DEFAULT_MAX_EVENT_CHARS) {}

  feed(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.line(this.buffer.slice(start, i), out);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.data.length > this.maxEventChars) {
      this.buffer = '';
      this.data = '';
      this.hasData = false;
      throw new RangeError(`server-sent event larger than ${this.maxEventChars} characters`);
    }
    return out;
  }

  private line(raw: string, out: SseMessage[]): void {
    const line = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line === '') {
      if (this.hasData) {
        out.push({ id: this.lastEventId, event: this.eventType || 'message', data: this.data });
      }
      this.data = '';
      this.hasData = false;
      this.eventType = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
  }
}
