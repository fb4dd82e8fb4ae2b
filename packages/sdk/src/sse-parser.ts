/** One dispatched server-sent event. */
export interface SseMessage {
  /** The last event id seen on this stream (the `id:` of this event or an earlier one). */
  id: string;
  event: string;
  data: string;
}

/**
 * Incremental parser for `text/event-stream`, following the WHATWG algorithm: lines end in CRLF, LF
 * or CR (also split across chunks); `:` lines are comments (heartbeats); `data:` lines accumulate;
 * a blank line dispatches. Feed it decoded text in any chunking.
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
