import { createHash, type Hash } from 'node:crypto';

/**
 * sha256 over "seq hash\n" of the events kept at or below an archive's last position, in seq
 * order: it pins which events stay behind (a pending action's early history), so one inserted into
 * or edited in that stretch, where the chain itself is only in the segments, is still caught.
 */
export class RetainedDigest {
  readonly #hash: Hash = createHash('sha256');
  count = 0;

  add(seq: number, hash: string): void {
    this.#hash.update(`${seq} ${hash}\n`);
    this.count += 1;
  }

  hex(): string {
    return this.#hash.copy().digest('hex');
  }
}
