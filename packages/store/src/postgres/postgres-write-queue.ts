import type pg from 'pg';
import { ACTION_COLUMNS, type ActionRow, type EventRow, rowToAction, rowToEvent } from '../sqlite/row-mapping.js';
import { type EventRecord, StoreError } from '../store.js';
import { LEDGER_CHANNEL, LEDGER_LOCK } from './advisory-locks.js';
import { type BatchPlan, type LoadedAction, type OpOutcome, planBatch, type WriteOp } from './batch-plan.js';
import { GrantBatch } from './grant-batch.js';
import { isConnectionError, toStoreError } from './postgres-errors.js';
import { loadUsage, writeUsage } from './postgres-limit-usage.js';

/** Reported after every batch (committed or not); tests and metrics use it. */
export interface CommitStats {
  ops: number;
  committed: boolean;
  ms: number;
}

interface QueuedOp {
  op: WriteOp;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const COLUMNS = ACTION_COLUMNS.join(', ');
// One round trip. The lock is transaction-scoped, so it is held until COMMIT or ROLLBACK; if this
// process stalls mid-transaction (a half-open connection, a paused VM), the server ends the session
// after 30 s instead of letting it block every replica's writes.
const BEGIN_LOCKED = `BEGIN; SET LOCAL idle_in_transaction_session_timeout = '30s';
  SELECT pg_advisory_xact_lock(${LEDGER_LOCK[0]}, ${LEDGER_LOCK[1]});
  SELECT seq, hash FROM ledger_head WHERE id = 1`;
const UPDATABLE = ACTION_COLUMNS.filter((column) => column !== 'id');
// All rows of a batch go in one statement: JSON arrays of rows, unpacked by json_populate_recordset.
// The CTEs can't see each other's rows, which is why the plan never updates a row it inserts.
const WRITE = `WITH inserted AS (
    INSERT INTO actions SELECT * FROM json_populate_recordset(NULL::actions, $1::json)
  ), updated AS (
    UPDATE actions AS a SET (${UPDATABLE.join(', ')}) = (${UPDATABLE.map((c) => `r.${c}`).join(', ')})
    FROM json_populate_recordset(NULL::actions, $2::json) AS r WHERE a.id = r.id
  ), appended AS (
    INSERT INTO action_events SELECT * FROM json_populate_recordset(NULL::action_events, $3::json)
  ), head AS (
    UPDATE ledger_head SET seq = $5, hash = $6 WHERE id = 1
  ), queued AS (
    INSERT INTO outbox SELECT * FROM json_populate_recordset(NULL::outbox, $7::json)
  ), shadowed AS (
    INSERT INTO shadow_disagreements SELECT * FROM json_populate_recordset(NULL::shadow_disagreements, $8::json)
  )
  SELECT pg_notify('${LEDGER_CHANNEL}', $4)`;

/**
 * Group commit on PostgreSQL. Ledger order must equal commit order (a reader that saw seq 11 must
 * never later see a new seq 10), so every write transaction takes one transaction-scoped advisory
 * lock before reading the chain tip and holds it until COMMIT: appends are serialized across every
 * process on the database. To keep that cheap, writes queued while a batch is in flight go together
 * in the next one: ~4 round trips per batch whatever its size. Promises settle after COMMIT.
 */
export class PostgresWriteQueue {
  #pending: QueuedOp[] = [];
  #running: Promise<void> | null = null;
  #closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { maxBatch: number; onCommit?: (stats: CommitStats) => void },
  ) {}

  enqueue<T>(op: WriteOp): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ op, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate gathers every write issued during this event-loop turn into the first batch.
      this.#running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.#drain());
    });
  }

  /** Completes everything queued, then refuses new writes. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, Math.max(1, this.options.maxBatch));
        await this.#commit(batch);
      }
    } finally {
      this.#running = null;
    }
  }

  async #commit(batch: QueuedOp[], retried = false): Promise<void> {
    const started = performance.now();
    let client: pg.PoolClient | undefined;
    let committing = false;
    try {
      client = await this.pool.connect();
      const results = (await client.query(BEGIN_LOCKED)) as unknown as pg.QueryResult[];
      const tipRow = results[3]?.rows[0] as { seq: number; hash: string } | undefined;
      // The tip is the high-water row, never max(seq): restarting from seq 1 would reuse positions.
      if (tipRow === undefined) throw new StoreError('corrupt', 'the ledger high-water row is missing');
      const ops = batch.map((queued) => queued.op);
      const grants = await GrantBatch.load(client, ops);
      const loaded = await this.#load(client, batch);
      const plan = planBatch(ops, loaded, tipRow, grants, await loadUsage(client, ops));
      const hits = await this.#loadHitEvents(client, plan.outcomes);
      if (plan.events.length > 0) {
        await client.query(WRITE, [
          rowsJson(plan.inserts),
          rowsJson(plan.updates),
          eventsJson(plan.events),
          String(plan.lastSeq),
          plan.lastSeq,
          plan.lastHash,
          JSON.stringify(plan.outbox),
          JSON.stringify(plan.shadow),
        ]);
      }
      await writeUsage(client, plan);
      await grants.write(client);
      committing = true;
      await client.query('COMMIT');
      client.release();
      this.options.onCommit?.({ ops: batch.length, committed: true, ms: performance.now() - started });
      settle(batch, plan, hits);
    } catch (error) {
      const broken = isConnectionError(error);
      if (client) {
        if (!broken) await client.query('ROLLBACK').catch(() => {});
        // A broken client must be destroyed, not returned to the pool.
        client.release(broken ? (error as Error) : undefined);
      }
      this.options.onCommit?.({ ops: batch.length, committed: false, ms: performance.now() - started });
      // Nothing was committed before COMMIT was sent, so a fresh connection may simply try again
      // (typically: the pool handed out a connection that a database restart had already cut).
      if (broken && !committing && !retried) return this.#commit(batch, true);
      // One op's bad row (a repeated event id, ...) fails the whole statement: retry the ops one by one
      // so that only the culprit fails, as with SQLite's per-op savepoints.
      if (!broken && batch.length > 1 && /^2[23]/.test(String((error as { code?: unknown }).code))) {
        for (const queued of batch) await this.#commit([queued]);
        return;
      }
      const failure =
        committing && broken
          ? new StoreError(
              'unavailable',
              'the connection was lost during COMMIT; the write may or may not have committed',
              error,
            )
          : toStoreError(error, 'writing');
      for (const queued of batch) queued.reject(failure);
    }
  }

  /** Rows the batch's ops refer to, read under the ledger lock. */
  async #load(client: pg.PoolClient, batch: QueuedOp[]): Promise<LoadedAction[]> {
    const ids: string[] = [];
    const keys: string[] = [];
    for (const { op } of batch) {
      if (op.kind === 'transition') ids.push(op.input.id);
      else {
        ids.push(op.input.action.id);
        if (op.input.action.idempotency_key !== null) keys.push(op.input.action.idempotency_key);
      }
    }
    const { rows } = await client.query<ActionRow>(
      `SELECT ${COLUMNS} FROM actions WHERE id = ANY($1::text[])
       UNION SELECT ${COLUMNS} FROM actions WHERE idempotency_key = ANY($2::text[])`,
      [ids, keys],
    );
    return rows.map((row) => ({ action: rowToAction(row), row }));
  }

  /** Stored events of actions that idempotent repeats returned. */
  async #loadHitEvents(client: pg.PoolClient, outcomes: OpOutcome[]): Promise<Map<string, EventRecord[]>> {
    const ids = [...new Set(outcomes.flatMap((o) => ('hit' in o ? [o.hit.action.id] : [])))];
    const byAction = new Map<string, EventRecord[]>();
    if (ids.length === 0) return byAction;
    const { rows } = await client.query<EventRow>(
      'SELECT * FROM action_events WHERE action_id = ANY($1::text[]) ORDER BY seq',
      [ids],
    );
    for (const row of rows) {
      const event = rowToEvent(row);
      byAction.set(event.action_id, [...(byAction.get(event.action_id) ?? []), event]);
    }
    return byAction;
  }
}

function settle(batch: QueuedOp[], plan: BatchPlan, hits: Map<string, EventRecord[]>): void {
  batch.forEach((queued, index) => {
    const outcome = plan.outcomes[index];
    if (outcome === undefined) queued.reject(new StoreError('unavailable', 'write was not executed'));
    else if (!outcome.ok) queued.reject(outcome.error);
    else if ('hit' in outcome) {
      const { action, laterEvents } = outcome.hit;
      queued.resolve({ action, events: [...(hits.get(action.id) ?? []), ...laterEvents], created: false });
    } else queued.resolve(outcome.value);
  });
}

const rowsJson = (rows: ActionRow[]): string => JSON.stringify(rows);
const eventsJson = (rows: EventRow[]): string => JSON.stringify(rows);
