import { canonicalJson } from '@faramesh/canonical';
import type { AuditedEvent } from '@faramesh/store';

/**
 * A segment is a JSON-lines file: one line per ledger event in seq order, as stored (the meta and
 * snapshot texts are the canonical JSON the hash covers, so every hash recomputes offline), then
 * one checkpoint line that describes and (optionally) signs the whole file.
 */
export interface SegmentCheckpoint {
  type: typeof SEGMENT_TYPE;
  first_seq: number;
  last_seq: number;
  /** The hash the first event links to (the event before the segment, or the genesis hash). */
  prev_hash: string;
  last_hash: string;
  count: number;
  first_at: string;
  last_at: string;
  key_id: string | null;
  signature: string | null;
}

export const SEGMENT_TYPE = 'faramesh-ledger-segment';

/** Segment files are named by their range, zero-padded so that names sort in ledger order. */
export function segmentFileName(firstSeq: number, lastSeq: number): string {
  return `faramesh-ledger-${pad(firstSeq)}-${pad(lastSeq)}.jsonl`;
}

/** The range a segment file name states, or null for other files. */
export function parseSegmentFileName(name: string): { first_seq: number; last_seq: number } | null {
  const match = /^faramesh-ledger-(\d{16})-(\d{16})\.jsonl$/.exec(name);
  if (match === null) return null;
  return { first_seq: Number(match[1]), last_seq: Number(match[2]) };
}

const pad = (seq: number) => String(seq).padStart(16, '0');

/** One event as a segment line; throws when its content can't be written (verification reports it first). */
export function eventLine(event: AuditedEvent): string {
  if (event.event === null) throw new Error(`seq ${event.seq} is not readable`);
  const meta = event.stored?.meta ?? canonicalJson(event.event.meta);
  const snapshot = event.stored?.snapshot ?? canonicalJson(event.event.action);
  const { seq, action_id, event_type, prev_hash, hash } = event;
  const { id, created_at } = event.event;
  return (
    `{"seq":${seq},"id":${JSON.stringify(id)},"action_id":${JSON.stringify(action_id)},` +
    `"event_type":${JSON.stringify(event_type)},"created_at":${JSON.stringify(created_at)},` +
    `"prev_hash":${JSON.stringify(prev_hash)},"hash":${JSON.stringify(hash)},"meta":${meta},"action":${snapshot}}\n`
  );
}

export function checkpointLine(checkpoint: SegmentCheckpoint): string {
  return `${JSON.stringify(checkpoint)}\n`;
}
