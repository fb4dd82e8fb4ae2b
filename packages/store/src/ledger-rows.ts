import type { AuditedAction, AuditedEvent } from './ledger-store.js';
import { type ActionRow, type EventRow, rowToAction, rowToEvent } from './sqlite/row-mapping.js';

/**
 * Row mappings for verification: a row whose JSON an attacker broke is reported (as `null`
 * content), never thrown, so one bad row can't stop the walk over the rest of the ledger.
 */
export function toAuditedEvent(row: EventRow): AuditedEvent {
  const key = {
    seq: Number(row.seq),
    action_id: row.action_id,
    event_type: row.event_type,
    hash: row.hash,
    prev_hash: row.prev_hash,
  };
  const stored =
    typeof row.meta === 'string' && typeof row.action_snapshot === 'string'
      ? { meta: row.meta, snapshot: row.action_snapshot }
      : null;
  try {
    const event = rowToEvent({ ...row, seq: key.seq });
    return { ...key, event: isObject(event.action) && isObject(event.meta) ? event : null, stored };
  } catch {
    return { ...key, event: null, stored };
  }
}

/** `seqs` is the stored seq list as text (a JSON array) or already a list. */
export function toAuditedAction(row: ActionRow & { event_seqs: unknown }): AuditedAction {
  const { event_seqs: seqs, ...columns } = row;
  let action: AuditedAction['action'];
  try {
    action = rowToAction(columns);
  } catch {
    action = null;
  }
  return { id: String(row.id), action, event_seqs: parseSeqList(seqs) };
}

export function parseSeqList(value: unknown): number[] | null {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list)) return null;
  const seqs = list.map(Number);
  return seqs.every((seq) => Number.isSafeInteger(seq) && seq > 0) ? seqs : null;
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
