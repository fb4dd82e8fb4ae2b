import { type AuditedEvent, eventHash, eventHashWithSnapshot, GENESIS_HASH, type LedgerStore } from '@faramesh/store';
import type { ProblemLog } from './ledger-problems.js';

export interface ChainWalk {
  /** Events read. */
  events: number;
  /** The newest event read, or null for an empty ledger. */
  newest: { seq: number; hash: string } | null;
}

/**
 * Pass 1 of verification: the whole ledger in seq order, a page at a time. Each event must take the
 * next seq (no gap, no duplicate), link to the previous event's hash, hash to its stored hash, hold a
 * snapshot of its own action, and belong to an existing action row that lists it. After a problem
 * the walk goes on from the event as stored, so one edit is one problem, not a cascade.
 */
export async function walkChain(
  ledger: LedgerStore,
  log: ProblemLog,
  options: ChainWalkOptions = {},
): Promise<ChainWalk> {
  const {
    from = { seq: 0, hash: GENESIS_HASH },
    to = Number.POSITIVE_INFINITY,
    owners = true,
    pageSize = 1000,
  } = options;
  let prevSeq = from.seq;
  let prevHash = from.hash;
  let events = 0;
  for (;;) {
    const page = (await ledger.events(prevSeq, pageSize)).filter((event) => event.seq <= to);
    if (page.length === 0) break;
    const listed = owners ? await ownersOf(ledger, page) : null;
    for (const event of page) {
      checkPosition(event, prevSeq, prevHash, log);
      checkContent(event, log);
      if (listed) checkOwner(event, listed, log);
      prevSeq = event.seq;
      prevHash = event.hash;
      events += 1;
    }
  }
  return { events, newest: events === 0 ? null : { seq: prevSeq, hash: prevHash } };
}

export interface ChainWalkOptions {
  /** Start after this already-trusted position (default: the genesis, seq 0). */
  from?: { seq: number; hash: string };
  /** Stop after this seq. */
  to?: number;
  /** Also check each event against its action row (default true). */
  owners?: boolean;
  pageSize?: number;
}

export function checkPosition(event: AuditedEvent, prevSeq: number, prevHash: string, log: ProblemLog): void {
  const { seq } = event;
  if (seq === prevSeq) log.add({ kind: 'seq_duplicate', seq, message: `seq ${seq} appears more than once` });
  else if (seq !== prevSeq + 1) {
    const missing = seq === prevSeq + 2 ? `seq ${prevSeq + 1} is` : `seqs ${prevSeq + 1}–${seq - 1} are`;
    log.add({ kind: 'seq_gap', seq, message: `${missing} missing before seq ${seq}` });
  }
  if (event.prev_hash !== prevHash) {
    log.add({ kind: 'broken_link', seq, message: `prev_hash of seq ${seq} is not the hash of the event before it` });
  }
}

export function checkContent(event: AuditedEvent, log: ProblemLog): void {
  const { seq } = event;
  if (event.event === null) {
    log.add({
      kind: 'unreadable_event',
      seq,
      action_id: event.action_id,
      message: `seq ${seq}: meta or snapshot is not readable JSON`,
    });
    return;
  }
  let expected: string | null;
  try {
    // The stored texts are what was hashed (canonical JSON): hashing them skips re-serializing, and
    // a text edited into other but equivalent JSON still counts as edited.
    expected = event.stored
      ? eventHashWithSnapshot(event.prev_hash, event.event, event.stored.snapshot, event.stored.meta)
      : eventHash(event.prev_hash, event.event);
  } catch {
    expected = null;
  }
  if (expected !== event.hash) {
    log.add({
      kind: 'hash_mismatch',
      seq,
      action_id: event.action_id,
      message: `seq ${seq}: the stored hash does not match the event's content`,
    });
  }
  if (event.event.action.id !== event.action_id) {
    log.add({
      kind: 'snapshot_wrong_action',
      seq,
      action_id: event.action_id,
      message: `seq ${seq} names action ${event.action_id} but holds a snapshot of ${String(event.event.action.id)}`,
    });
  }
}

export function checkOwner(event: AuditedEvent, owners: Map<string, Set<number> | null>, log: ProblemLog): void {
  const { seq, action_id } = event;
  const listed = owners.get(action_id);
  if (listed === undefined) {
    log.add({
      kind: 'orphan_event',
      seq,
      action_id,
      message: `seq ${seq} belongs to action ${action_id}, which does not exist`,
    });
  } else if (listed !== null && !listed.has(seq)) {
    log.add({
      kind: 'event_not_listed',
      seq,
      action_id,
      message: `seq ${seq} is not among the events of action ${action_id}`,
    });
  }
  // A row whose seq list can't be read is reported once, by the action pass.
}

/** The seq lists of the actions a page of events names (null: the row's list is unreadable). */
export async function ownersOf(ledger: LedgerStore, page: AuditedEvent[]): Promise<Map<string, Set<number> | null>> {
  const rows = await ledger.seqLists([...new Set(page.map((event) => event.action_id))]);
  return new Map(rows.map((row) => [row.id, row.event_seqs === null ? null : new Set(row.event_seqs)]));
}
