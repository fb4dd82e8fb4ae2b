import type pg from 'pg';
import { countsOnTransition, type UsageRow } from '../limit-usage.js';
import { StoreError } from '../store.js';
import type { BatchPlan, WriteOp } from './batch-plan.js';

// A window's usage: the bucket's newest total minus its total at the window's start, each the
// largest running of the rows counted at or before an instant (two seeks of limit_usage_totals; see
// migrations 17 and 21, and sqlite-limit-usage.ts for the invariant).
const runningAt = (key: string, bound: string): string => `coalesce((SELECT r.running FROM limit_usage r
      WHERE r.limit_key = ${key} AND r.counted_at ${bound} ORDER BY r.counted_at DESC, r.running DESC LIMIT 1), 0)`;
const usedSql = (key: string, since: string): string =>
  `${runningAt(key, 'IS NOT NULL')} - ${runningAt(key, `<= ${since} COLLATE "C"`)}`;
/** The bucket's usage counted strictly after `since` ($1 key, $2 since). */
export const USED = `SELECT ${usedSql('$1', '$2')} AS used`;
const WINDOWS = `SELECT w.key, w.since, ${usedSql('w.key', 'w.since')} AS used
  FROM json_to_recordset($1::json) AS w(key text, since text)`;
const WAITING = `SELECT action_id, limit_key, amount, counted_at FROM limit_usage
  WHERE action_id = ANY($1::text[]) AND counted_at IS NULL`;

/** What a batch with limit gates read under the ledger lock, before planning. */
export interface LoadedUsage {
  /** Committed usage per gate window (`windowKey`). */
  windows: ReadonlyMap<string, number>;
  /** Usage rows of waiting actions the batch transitions, by action id (an approval starts them counting). */
  waiting: ReadonlyMap<string, UsageRow>;
}

const windowKey = (key: string, since: string): string => `${key}\u0000${since}`;

/**
 * Reads, under the ledger lock every writer holds until COMMIT, the usage the batch's gates need:
 * nothing can be counted by another process between this read and the batch's commit. Null (no
 * query) for a batch without gates.
 */
export async function loadUsage(client: pg.PoolClient, ops: readonly WriteOp[]): Promise<LoadedUsage | null> {
  const gates = ops.flatMap((op) => (op.kind === 'create' && op.input.limit ? [op.input.limit] : []));
  if (gates.length === 0) return null;
  const transitioned = ops.flatMap((op) => (op.kind === 'transition' ? [op.input.id] : []));
  const windows = await client.query<{ key: string; since: string; used: number }>(WINDOWS, [
    JSON.stringify(gates.map((gate) => ({ key: gate.key, since: gate.since }))),
  ]);
  const waiting = transitioned.length === 0 ? { rows: [] } : await client.query<UsageRow>(WAITING, [transitioned]);
  return {
    windows: new Map(windows.rows.map((row) => [windowKey(row.key, row.since), Number(row.used)])),
    waiting: new Map(waiting.rows.map((row) => [row.action_id, { ...row, amount: Number(row.amount) }])),
  };
}

/**
 * Writes the batch's usage rows and starts counting the waiting rows it approved, keeping every
 * bucket's running totals (limit_usage_write, migration 17). Under the ledger lock, after planning.
 */
export async function writeUsage(
  client: pg.PoolClient,
  plan: Pick<BatchPlan, 'usageInserts' | 'usageCounts'>,
): Promise<void> {
  if (plan.usageInserts.length === 0 && plan.usageCounts.length === 0) return;
  await client.query('SELECT limit_usage_write($1::json, $2::json)', [
    JSON.stringify(plan.usageInserts),
    JSON.stringify(plan.usageCounts),
  ]);
}

/**
 * The batch's own effect on limit usage while it is planned: rows it inserts, waiting rows it
 * starts counting, and therefore what a later gate of the same batch must add to the committed usage.
 */
export class BatchUsage {
  /** Rows to insert (limit_usage), by action id. */
  readonly inserts = new Map<string, UsageRow>();
  /** Waiting rows committed earlier that this batch's approvals start counting. */
  readonly counts: { action_id: string; counted_at: string }[] = [];
  readonly #charged: UsageRow[] = [];

  constructor(private readonly loaded: LoadedUsage | null) {}

  /** The bucket's usage after `since`: committed, plus what this batch has counted so far. */
  used(key: string, since: string): number {
    const committed = this.loaded?.windows.get(windowKey(key, since));
    if (committed === undefined)
      throw new StoreError('unavailable', 'the usage of a limit was not read for this write');
    let used = committed;
    for (const row of this.#charged) {
      if (row.limit_key === key && row.counted_at !== null && row.counted_at > since) used += row.amount;
    }
    return used;
  }

  inserted(row: UsageRow): void {
    this.inserts.set(row.action_id, row);
    if (row.counted_at !== null) this.#charged.push(row);
  }

  transitioned(actionId: string, from: string, to: string, at: string): void {
    if (!countsOnTransition(from, to)) return;
    const fresh = this.inserts.get(actionId);
    if (fresh !== undefined) {
      // Inserted by this batch: the insert carries the count (a statement can't update its own inserts).
      if (fresh.counted_at === null) {
        fresh.counted_at = at;
        this.#charged.push(fresh);
      }
      return;
    }
    this.counts.push({ action_id: actionId, counted_at: at });
    const waiting = this.loaded?.waiting.get(actionId);
    if (waiting !== undefined) this.#charged.push({ ...waiting, counted_at: at });
  }
}
