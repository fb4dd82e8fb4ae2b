import type { ArchiveRecord, ArchiveSegmentInfo, StoredArchive } from '../ledger-archive.js';

/** The columns of ledger_archives, in the order `archiveValues` gives them. */
export const ARCHIVE_COLUMNS = [
  'first_seq',
  'last_seq',
  'prev_hash',
  'last_hash',
  'event_count',
  'first_at',
  'last_at',
  'removed_events',
  'removed_actions',
  'retained_events',
  'retained_digest',
  'archived_before',
  'archived_at',
  'segments',
  'key_id',
  'signature',
] as const;

export const ARCHIVE_SELECT = `id, ${ARCHIVE_COLUMNS.join(', ')}`;

export type ArchiveRow = Record<(typeof ARCHIVE_COLUMNS)[number] | 'id', unknown>;

/** The record as column values, in ARCHIVE_COLUMNS order (segments as JSON text). */
export function archiveValues(record: ArchiveRecord): unknown[] {
  const { before, segments, ...rest } = record;
  const row: Record<string, unknown> = { ...rest, archived_before: before, segments: JSON.stringify(segments) };
  return ARCHIVE_COLUMNS.map((column) => row[column]);
}

/** A stored row back as a record; an unreadable segment list reads as empty (verification signs over it). */
export function rowToArchive(row: ArchiveRow): StoredArchive {
  let segments: ArchiveSegmentInfo[] = [];
  try {
    const parsed: unknown = JSON.parse(String(row.segments));
    if (Array.isArray(parsed)) segments = parsed as ArchiveSegmentInfo[];
  } catch {
    segments = [];
  }
  const n = (value: unknown) => Number(value);
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    id: n(row.id),
    first_seq: n(row.first_seq),
    last_seq: n(row.last_seq),
    prev_hash: String(row.prev_hash),
    last_hash: String(row.last_hash),
    event_count: n(row.event_count),
    first_at: String(row.first_at),
    last_at: String(row.last_at),
    removed_events: n(row.removed_events),
    removed_actions: n(row.removed_actions),
    retained_events: n(row.retained_events),
    retained_digest: String(row.retained_digest),
    before: String(row.archived_before),
    archived_at: String(row.archived_at),
    segments,
    key_id: text(row.key_id),
    signature: text(row.signature),
  };
}
