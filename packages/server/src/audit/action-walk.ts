import { canonicalJson } from '@faramesh/canonical';
import type { ActionRecord, AuditedAction, AuditedEvent, EventKey, LedgerStore } from '@faramesh/store';
import type { ProblemLog } from './ledger-problems.js';

export interface ActionWalk {
  actions: number;
  /** Sum of the lengths of every readable seq list: equals the event count when lists partition the ledger. */
  listed: number;
}

/** Bounded per action: an action's lifecycle has a handful of events; a list this long is damage. */
const MAX_LISTED_PER_ACTION = 10_000;

/**
 * Pass 2 of verification: every action row in id order, a page at a time. Each must have events,
 * list them well (ascending, no duplicates), every listed event must exist and name this action,
 * the first must be `created`, and the row must equal the snapshot of its last event — the state
 * the ledger says it is in — in every field but the approval token (a bearer secret the ledger
 * never holds: a token may exist only while the action is pending).
 */
export async function walkActions(ledger: LedgerStore, log: ProblemLog, pageSize = 500): Promise<ActionWalk> {
  let after = '';
  let actions = 0;
  let listed = 0;
  for (;;) {
    const page = await ledger.actionsAfter(after, pageSize);
    const lastRow = page.at(-1);
    if (lastRow === undefined) break;
    after = lastRow.id;
    const lists = new Map(page.map((row) => [row.id, usableList(row, log)]));
    const allSeqs = [...lists.values()].flatMap((list) => list ?? []);
    const keys = new Map((await ledger.eventKeys(allSeqs)).map((key) => [key.seq, key]));
    const lastSeqs = [...lists.values()].flatMap((list) => (list && list.length > 0 ? [list.at(-1)!] : []));
    const lastEvents = new Map((await ledger.eventsAt(lastSeqs)).map((event) => [event.seq, event]));
    for (const row of page) {
      actions += 1;
      const list = lists.get(row.id) ?? null;
      if (list !== null) listed += list.length;
      checkAction(row, list, keys, lastEvents, log);
    }
  }
  return { actions, listed };
}

/** The row's seq list if it is one the walk can use; reports it otherwise. */
function usableList(row: AuditedAction, log: ProblemLog): number[] | null {
  const list = row.event_seqs;
  const ascending = list?.every((seq, i) => i === 0 || seq > list[i - 1]!) === true;
  if (list === null || !ascending || list.length > MAX_LISTED_PER_ACTION) {
    log.add({
      kind: 'seq_list_invalid',
      action_id: row.id,
      message: `action ${row.id}: its list of event seqs is not an ascending list of distinct positions`,
    });
    return null;
  }
  return list;
}

function checkAction(
  row: AuditedAction,
  list: number[] | null,
  keys: Map<number, EventKey>,
  lastEvents: Map<number, AuditedEvent>,
  log: ProblemLog,
): void {
  const action_id = row.id;
  if (row.action === null) {
    log.add({ kind: 'unreadable_action', action_id, message: `action ${action_id}: a JSON column is not readable` });
  } else if (row.action.approval_token !== null && row.action.status !== 'pending_approval') {
    log.add({
      kind: 'approval_token_unexpected',
      action_id,
      message: `action ${action_id} holds an approval token but is ${row.action.status}`,
    });
  }
  if (list === null) return;
  if (list.length === 0) {
    log.add({ kind: 'action_without_events', action_id, message: `action ${action_id} has no ledger events` });
    return;
  }
  for (const seq of list) {
    const key = keys.get(seq);
    if (key === undefined) {
      log.add({
        kind: 'listed_event_missing',
        seq,
        action_id,
        message: `action ${action_id} lists seq ${seq}, which is not in the ledger`,
      });
    } else if (key.action_id !== action_id) {
      log.add({
        kind: 'listed_event_foreign',
        seq,
        action_id,
        message: `action ${action_id} lists seq ${seq}, which belongs to action ${key.action_id}`,
      });
    }
  }
  const first = keys.get(list[0]!);
  if (first !== undefined && first.action_id === action_id && first.event_type !== 'created') {
    log.add({
      kind: 'history_invalid',
      seq: first.seq,
      action_id,
      message: `action ${action_id}: its first event is ${first.event_type}, not created`,
    });
  }
  const last = lastEvents.get(list.at(-1)!);
  if (row.action === null || last?.event == null || last.action_id !== action_id) return;
  // Fast path: the row, as the ledger would snapshot it, is byte-equal to the stored snapshot.
  if (last.stored !== null && sameJson({ ...row.action, approval_token: null }, last.stored.snapshot, true)) return;
  const fields = differingFields(row.action, last.event.action);
  if (fields.length > 0) {
    log.add({
      kind: 'action_differs_from_ledger',
      seq: last.seq,
      action_id,
      fields,
      message: `action ${action_id} differs from its last ledger snapshot (seq ${last.seq}) in ${fields.join(', ')}`,
    });
  }
}

/** Fields whose stored value differs from the snapshot's (compared as canonical JSON). */
function differingFields(row: ActionRecord, snapshot: ActionRecord): string[] {
  const a = row as unknown as Record<string, unknown>;
  const b = snapshot as unknown as Record<string, unknown>;
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((name) => name !== 'approval_token');
  return names.filter((name) => !sameJson(a[name], b[name])).sort();
}

function sameJson(a: unknown, b: unknown, bIsText = false): boolean {
  try {
    return canonicalJson(a ?? null) === (bIsText ? b : canonicalJson(b ?? null));
  } catch {
    return false;
  }
}
