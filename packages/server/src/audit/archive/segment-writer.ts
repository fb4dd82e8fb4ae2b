import { createHash, type Hash } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveSegmentInfo, AuditedEvent } from '@faramesh/store';
import type { LedgerSigningKey } from '../ledger-key.js';
import { SEGMENT_DOMAIN, signStatement } from './archive-signature.js';
import { checkpointLine, eventLine, SEGMENT_TYPE, type SegmentCheckpoint, segmentFileName } from './segment-format.js';
import { syncDirectory } from './sync-directory.js';

/** Suffix of a segment being written; renamed to its final name only once complete and fsynced. */
export const PARTIAL_SUFFIX = '.partial';

interface OpenSegment {
  file: FileHandle;
  path: string;
  sha: Hash;
  bytes: number;
  first: AuditedEvent;
  last: AuditedEvent;
  count: number;
  firstAt: string;
  lastAt: string;
}

/**
 * Writes verified events into segment files of at most about `maxBytes` each (a file holds at
 * least one event), page by page, so memory stays bounded by one page. A segment is written under
 * a `.partial` name, closed with its (signed) checkpoint line, fsynced, renamed and its directory
 * fsynced: a file with a final name is always complete. Files are deterministic for a given
 * stretch, size limit and key (Ed25519 signatures are), so a re-run rewrites them byte for byte.
 */
export class SegmentWriter {
  readonly segments: ArchiveSegmentInfo[] = [];
  /** created_at range of every event written, over all segments. */
  firstAt = '';
  lastAt = '';
  #open: OpenSegment | null = null;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly key: LedgerSigningKey | null,
  ) {}

  async write(events: readonly AuditedEvent[]): Promise<void> {
    let chunk: string[] = [];
    for (const event of events) {
      const line = eventLine(event);
      const size = Buffer.byteLength(line);
      const current = this.#open;
      if (current !== null && current.bytes + size > this.maxBytes) {
        await this.#append(chunk);
        chunk = [];
        await this.#close();
      }
      const segment = this.#open ?? (await this.#start(event));
      segment.bytes += size;
      segment.last = event;
      segment.count += 1;
      const at = event.event?.created_at ?? '';
      if (at < segment.firstAt) segment.firstAt = at;
      if (at > segment.lastAt) segment.lastAt = at;
      if (this.firstAt === '' || at < this.firstAt) this.firstAt = at;
      if (at > this.lastAt) this.lastAt = at;
      chunk.push(line);
    }
    await this.#append(chunk);
  }

  /** Closes the last segment; returns every segment written. */
  async finish(): Promise<ArchiveSegmentInfo[]> {
    await this.#close();
    return this.segments;
  }

  /** Closes and removes a half-written segment after a failure. */
  async abandon(): Promise<void> {
    const current = this.#open;
    this.#open = null;
    if (current === null) return;
    await current.file.close().catch(() => {});
    await rm(current.path, { force: true });
  }

  async #start(first: AuditedEvent): Promise<OpenSegment> {
    const path = join(this.dir, `faramesh-ledger-${first.seq}${PARTIAL_SUFFIX}`);
    const file = await open(path, 'w', 0o600);
    const at = first.event?.created_at ?? '';
    this.#open = {
      file,
      path,
      sha: createHash('sha256'),
      bytes: 0,
      first,
      last: first,
      count: 0,
      firstAt: at,
      lastAt: at,
    };
    return this.#open;
  }

  async #append(lines: string[]): Promise<void> {
    const current = this.#open;
    if (current === null || lines.length === 0) return;
    const text = lines.join('');
    current.sha.update(text);
    await current.file.write(text);
  }

  async #close(): Promise<void> {
    const current = this.#open;
    if (current === null) return;
    this.#open = null;
    const checkpoint = signStatement<SegmentCheckpoint>(
      SEGMENT_DOMAIN,
      {
        type: SEGMENT_TYPE,
        first_seq: current.first.seq,
        last_seq: current.last.seq,
        prev_hash: current.first.prev_hash,
        last_hash: current.last.hash,
        count: current.count,
        first_at: current.firstAt,
        last_at: current.lastAt,
        key_id: null,
        signature: null,
      },
      this.key,
    );
    const line = checkpointLine(checkpoint);
    current.sha.update(line);
    await current.file.write(line);
    await current.file.sync();
    await current.file.close();
    const name = segmentFileName(current.first.seq, current.last.seq);
    await rename(current.path, join(this.dir, name));
    await syncDirectory(this.dir);
    this.segments.push({
      file: name,
      first_seq: current.first.seq,
      last_seq: current.last.seq,
      count: current.count,
      bytes: current.bytes + Buffer.byteLength(line),
      sha256: current.sha.digest('hex'),
    });
  }
}
