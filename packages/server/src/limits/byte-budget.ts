/**
 * A number of bytes shared by many holders: SSE connections with full sockets (what they wrote and
 * the kernel hasn't taken), request bodies being received and processed. A holder that would take
 * the total over the limit is refused and must give up (cut the connection off, answer 503) rather
 * than wait, so memory stays bounded however many callers there are.
 */
export class ByteBudget {
  private total = 0;

  constructor(readonly maxBytes: number) {}

  /** Reserves `bytes`; false (nothing reserved) when that would exceed the limit. */
  hold(bytes: number): boolean {
    if (this.total + bytes > this.maxBytes) return false;
    this.total += bytes;
    return true;
  }

  release(bytes: number): void {
    this.total = Math.max(0, this.total - bytes);
  }

  get held(): number {
    return this.total;
  }
}
