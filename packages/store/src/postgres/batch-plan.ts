import { canonicalJson } from '@faramesh/canonical';
import { applyPatch } from '../apply-patch.js';
import { createdRecord } from '../created-record.js';
import { eventHashWithSnapshot } from '../hash-chain.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import { type ResolvedGate, resolveGate, type UsageRow } from '../limit-usage.js';
import { outboxRows } from '../outbox/postgres-outbox.js';
import { shadowRows } from '../shadow/postgres-shadow.js';
import { type MemberTexts, snapshotJson } from '../snapshot-json.js';
import { type ActionRow, approvalText, type EventRow } from '../sqlite/row-mapping.js';
import {
  type ActionRecord,
  type CreateActionInput,
  type CreateActionResult,
  type EventRecord,
  GENESIS_HASH,
  type NewEvent,
  StoreError,
  type TransitionInput,
  type TransitionResult,
} from '../store.js';
import type { ActionJson } from '../validate-input.js';
import { GrantBatch } from './grant-batch.js';
import { BatchUsage, type LoadedUsage } from './postgres-limit-usage.js';

export type WriteOp =
  | { kind: 'create'; input: CreateActionInput; json: ActionJson }
  /** `meta`: the canonical JSON of each event's meta, from validateTransition. */
  | { kind: 'transition'; input: TransitionInput; meta?: readonly string[] };

export type OpOutcome =
  | { ok: true; value: CreateActionResult | TransitionResult }
  | { ok: false; error: StoreError }
  /** An idempotent repeat of an action committed earlier: its stored events are fetched afterwards. */
  | { ok: true; hit: { action: ActionRecord; laterEvents: EventRecord[] } };

/** An action as fetched inside the batch transaction: the record and its stored row texts. */
export interface LoadedAction {
  action: ActionRecord;
  row: ActionRow;
}

export interface BatchPlan {
  outcomes: OpOutcome[];
  inserts: ActionRow[];
  updates: ActionRow[];
  events: EventRow[];
  /** Outbox rows the batch's writes queue (outbox/postgres-outbox.ts), committed with them. */
  outbox: ReturnType<typeof outboxRows>;
  /** Shadow-policy disagreements of the batch's new actions (shadow/postgres-shadow.ts), committed with them. */
  shadow: ReturnType<typeof shadowRows>;
  /** Limit usage rows of limited actions the batch creates (limit-usage.ts). */
  usageInserts: UsageRow[];
  /** Waiting actions' usage rows the batch's approvals start counting, from `counted_at`. */
  usageCounts: { action_id: string; counted_at: string }[];
  /** The ledger head after this batch; unchanged when nothing is appended. */
  lastSeq: number;
  lastHash: string;
}

interface Tracked extends LoadedAction {
  fresh: boolean;
  touched: boolean;
}

const scopeKey = (submittedBy: string | null, key: string): string =>
  `${submittedBy === null ? 'n' : `s${submittedBy}`}\u0000${key}`;

/**
 * Plans one group commit: replays the batch's ops in order against the rows read under the ledger
 * lock, deciding each op's outcome (idempotent repeat, not_found, version_conflict or success),
 * chaining hashes from the tip, and collecting the final rows to write. Pure: the caller runs the
 * writes in the same transaction. Since every writer holds the lock while reading and writing, the
 * rows it read can't change before COMMIT, which is what makes the compare-and-set hold across
 * processes.
 */
export function planBatch(
  ops: readonly WriteOp[],
  loaded: readonly LoadedAction[],
  tip: { seq: number; hash: string } | null,
  grants: GrantBatch = new GrantBatch([]),
  loadedUsage: LoadedUsage | null = null,
): BatchPlan {
  const usage = new BatchUsage(loadedUsage);
  const byId = new Map<string, Tracked>();
  const byScope = new Map<string, string>();
  for (const entry of loaded) {
    byId.set(entry.action.id, { ...entry, fresh: false, touched: false });
    const { submitted_by, idempotency_key } = entry.action;
    if (idempotency_key !== null) byScope.set(scopeKey(submitted_by, idempotency_key), entry.action.id);
  }
  const batchEvents = new Map<string, EventRecord[]>();
  const events: EventRow[] = [];
  let seq = tip?.seq ?? 0;
  let prevHash = tip?.hash ?? GENESIS_HASH;

  /**
   * `metaJson`: each event's meta as validation canonicalized it (computed here when missing);
   * `texts`: the action's JSON members as validation canonicalized them (a create's).
   */
  const append = (
    actionId: string,
    newEvents: NewEvent[],
    at: string,
    action: ActionRecord,
    metaJson: readonly string[] = [],
    texts?: MemberTexts,
  ): EventRecord[] => {
    const snapshot = ledgerSnapshot(action);
    const snapshotText = texts === undefined ? canonicalJson(snapshot) : snapshotJson(snapshot, texts);
    const records = newEvents.map((event, index) => {
      const meta = metaJson[index] ?? canonicalJson(event.meta);
      const hashed = {
        id: event.id,
        action_id: actionId,
        event_type: event.event_type,
        meta: event.meta,
        created_at: at,
      };
      const hash = eventHashWithSnapshot(prevHash, hashed, snapshotText, meta);
      seq += 1;
      events.push({
        seq,
        id: event.id,
        action_id: actionId,
        event_type: event.event_type,
        meta,
        created_at: at,
        prev_hash: prevHash,
        hash,
        status: snapshot.status,
        action_snapshot: snapshotText,
      });
      // One snapshot object per write, shared by its events: records are read-only to callers.
      const record: EventRecord = { seq, ...hashed, prev_hash: prevHash, hash, action: snapshot };
      prevHash = hash;
      return record;
    });
    batchEvents.set(actionId, [...(batchEvents.get(actionId) ?? []), ...records]);
    return records;
  };

  const create = (caller: CreateActionInput, callerJson: ActionJson): OpOutcome => {
    const { action: newAction } = caller;
    const scope =
      newAction.idempotency_key === null ? null : scopeKey(newAction.submitted_by, newAction.idempotency_key);
    const earlierId = scope === null ? undefined : byScope.get(scope);
    const earlier = earlierId === undefined ? undefined : byId.get(earlierId);
    if (earlier) {
      const laterEvents = [...(batchEvents.get(earlier.action.id) ?? [])];
      if (earlier.fresh) return { ok: true, value: { action: earlier.action, events: laterEvents, created: false } };
      return { ok: true, hit: { action: earlier.action, laterEvents } };
    }
    if (byId.has(newAction.id)) {
      return { ok: false, error: new StoreError('invalid_input', `action ${newAction.id} already exists`) };
    }
    // A limit is checked against the usage read under the ledger lock plus this batch's own.
    const gate = caller.limit;
    let resolved: ResolvedGate | null = null;
    try {
      resolved = gate === undefined ? null : resolveGate(caller, callerJson, gate, usage.used(gate.key, gate.since));
    } catch (error) {
      if (error instanceof StoreError) return { ok: false, error };
      throw error;
    }
    const input = resolved?.input ?? caller;
    const json = resolved?.json ?? callerJson;
    // The gate decided whether the grant is used (not over the limit); one that can't be fails the op.
    const grantRefused = grants.apply({ kind: 'create', input, json });
    if (grantRefused !== null) return { ok: false, error: grantRefused };
    if (resolved?.row) usage.inserted(resolved.row);
    const action = createdRecord(input.action);
    // The JSON columns were canonicalized once by validateCreate; reuse those texts.
    const row: ActionRow = {
      ...action,
      params: json.params,
      context: json.context,
      matched_rule: json.matched_rule,
      approval: json.approval,
      grant_id: action.grant_id ?? null,
    };
    byId.set(action.id, { action, row, fresh: true, touched: true });
    if (input.notifications?.length) outbox.push(...outboxRows(input.notifications, action.created_at));
    if (input.shadow !== undefined) shadow.push(...shadowRows([input.shadow]));
    if (scope !== null) byScope.set(scope, action.id);
    return {
      ok: true,
      value: {
        action,
        events: append(action.id, input.events, action.created_at, action, json.meta, json),
        created: true,
      },
    };
  };

  const transition = (input: TransitionInput, meta?: readonly string[]): OpOutcome => {
    const current = byId.get(input.id);
    if (!current) return { ok: false, error: new StoreError('not_found', `action ${input.id} not found`) };
    if (current.action.version !== input.expected_version) {
      const message = `action ${input.id} is at version ${current.action.version}, expected ${input.expected_version}`;
      return { ok: false, error: new StoreError('version_conflict', message) };
    }
    const grantRefused = grants.apply({ kind: 'transition', input });
    if (grantRefused !== null) return { ok: false, error: grantRefused };
    const next = applyPatch(current.action, input.patch, input.at);
    // params, context and matched_rule never change, so their stored JSON texts carry over.
    const row: ActionRow = {
      ...current.row,
      ...next,
      params: current.row.params,
      context: current.row.context,
      matched_rule: current.row.matched_rule,
      approval: input.patch.approval === undefined ? current.row.approval : approvalText(next),
    };
    byId.set(input.id, { action: next, row, fresh: current.fresh, touched: true });
    if (input.notifications?.length) outbox.push(...outboxRows(input.notifications, input.at));
    usage.transitioned(input.id, current.action.status, next.status, input.at);
    return { ok: true, value: { action: next, events: append(next.id, input.events, input.at, next, meta) } };
  };

  const outbox: ReturnType<typeof outboxRows> = [];
  const shadow: ReturnType<typeof shadowRows> = [];
  const outcomes = ops.map((op) => (op.kind === 'create' ? create(op.input, op.json) : transition(op.input, op.meta)));
  const inserts: ActionRow[] = [];
  const updates: ActionRow[] = [];
  for (const entry of byId.values()) {
    if (!entry.touched) continue;
    // An action created and then changed within the batch is inserted once, in its final state.
    (entry.fresh ? inserts : updates).push(entry.row);
  }
  return {
    outcomes,
    inserts,
    updates,
    events,
    outbox,
    shadow,
    usageInserts: [...usage.inserts.values()],
    usageCounts: usage.counts,
    lastSeq: seq,
    lastHash: prevHash,
  };
}
