import { hash as digest } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';
import { type ActionRecord, type EventRecord, GENESIS_HASH, type JsonObject } from './store.js';

/** The part of an event the hash covers; `seq` is not in it because the chain itself fixes the order. */
export interface HashedEventFields {
  id: string;
  action_id: string;
  event_type: string;
  meta: JsonObject;
  created_at: string;
  action: ActionRecord;
}

/** sha256hex(prev_hash + "\n" + canonicalJson({id, action_id, event_type, meta, created_at, action})). */
export function eventHash(prevHash: string, fields: HashedEventFields): string {
  const body = canonicalJson({
    id: fields.id,
    action_id: fields.action_id,
    event_type: fields.event_type,
    meta: fields.meta,
    created_at: fields.created_at,
    action: fields.action,
  });
  return digest('sha256', `${prevHash}\n${body}`, 'hex');
}

/**
 * eventHash for writers that append several events with one snapshot: `snapshotJson` must be
 * canonicalJson(fields.action). The body is assembled in canonical key order (action, action_id,
 * created_at, event_type, id, meta), which a test pins to canonicalJson's output.
 */
export function eventHashWithSnapshot(
  prevHash: string,
  fields: Omit<HashedEventFields, 'action'>,
  snapshotJson: string,
  metaJson: string = canonicalJson(fields.meta),
): string {
  const body =
    `{"action":${snapshotJson},"action_id":${JSON.stringify(fields.action_id)},` +
    `"created_at":${JSON.stringify(fields.created_at)},"event_type":${JSON.stringify(fields.event_type)},` +
    `"id":${JSON.stringify(fields.id)},"meta":${metaJson}}`;
  return digest('sha256', `${prevHash}\n${body}`, 'hex');
}

export type LedgerVerdict = { ok: true } | { ok: false; seq: number; reason: string };

/**
 * Checks a ledger read back from a store: seq strictly increasing, every prev_hash linking to the
 * previous event's hash (the first to GENESIS_HASH, or to `options.prevHash` when verifying a slice
 * that starts later), and every hash recomputing from the event's content. Pure: no I/O.
 *
 * Deleting the newest events leaves a valid shorter chain; compare the last seq/hash with an
 * externally kept anchor to detect truncation.
 */
export function verifyLedger(events: EventRecord[], options: { prevHash?: string } = {}): LedgerVerdict {
  let prevHash = options.prevHash ?? GENESIS_HASH;
  let prevSeq = 0;
  for (const event of events) {
    if (!(Number.isSafeInteger(event.seq) && event.seq > prevSeq)) {
      return { ok: false, seq: event.seq, reason: `seq ${event.seq} does not follow ${prevSeq}` };
    }
    if (event.prev_hash !== prevHash) {
      return { ok: false, seq: event.seq, reason: 'prev_hash does not match the previous event hash' };
    }
    let expected: string;
    try {
      expected = eventHash(prevHash, event);
    } catch (error) {
      return { ok: false, seq: event.seq, reason: `event is not canonical JSON: ${String(error)}` };
    }
    if (event.hash !== expected) {
      return { ok: false, seq: event.seq, reason: 'hash does not match the event content' };
    }
    prevHash = event.hash;
    prevSeq = event.seq;
  }
  return { ok: true };
}
