import type { Io } from '../io.js';

/**
 * One status line on stderr that rewrites itself on a terminal (reconnecting…, connected) and is
 * cleared before normal output; on a pipe each status is a plain line, so logs keep them.
 */
export class LiveStatus {
  private shown = false;
  constructor(private readonly io: Io) {}

  show(text: string): void {
    if (this.io.stderr.isTTY) {
      this.io.stderr.write(`\r\u001b[2K${text}`);
      this.shown = true;
    } else {
      this.io.stderr.write(`${text}\n`);
    }
  }

  clear(): void {
    if (this.shown) {
      this.io.stderr.write('\r\u001b[2K');
      this.shown = false;
    }
  }
}
