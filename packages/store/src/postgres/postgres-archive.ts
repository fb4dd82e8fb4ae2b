import type pg from 'pg';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_SELECT,
  type ArchiveRow,
  archiveValues,
  rowToArchive,
} from '../archive/archive-rows.js';
import { GRANT_NOT_ENDED, sideRowDeletes } from '../archive/archive-side-tables.js';
import { supersededUsage } from '../archive/usage-prune.js';
import type { LedgerArchiveStore } from '../ledger-archive.js';
import type { EventKey } from '../ledger-store.js';
import { StoreError } from '../store.js';
import { ARCHIVE_LOCK } from './advisory-locks.js';
import { isConnectionError, toStoreError } from './postgres-errors.js';

/**
 * The actions archiving up to $1 removes: terminal ($2) and with no event after $1 (the
 * (action_id, seq) index answers that), and not the origin of a standing grant that has not ended.
 * Candidates come from the archived stretch itself.
 */
const REMOVED_ACTION_TERMS = `a.status = ANY($2::text[])
    AND NOT EXISTS (SELECT 1 FROM action_events later WHERE later.action_id = a.id AND later.seq > $1)
    AND NOT EXISTS (${GRANT_NOT_ENDED})`;
const REMOVABLE = `SELECT a.id FROM actions a
  WHERE a.id IN (SELECT action_id FROM action_events WHERE seq <= $1)
    AND ${REMOVED_ACTION_TERMS}`;

/**
 * One stretch of usage pruning: the rows in a range of the table's pages (a TID range scan), one
 * statement in its own transaction. Submissions go on beside it: they only read a bucket's newest
 * rows and the last one before a window's start, which it never removes.
 */
const PRUNE_USAGE = `DELETE FROM limit_usage u
  WHERE u.ctid >= $2::tid AND u.ctid < $3::tid AND ${supersededUsage('$1')}`;
const PAGES = `SELECT pg_relation_size('limit_usage') / current_setting('block_size')::bigint AS pages`;
/** Rows of limit_usage per 8 KiB page, roughly (~100-byte rows): a stretch of rows in pages. */
const ROWS_PER_PAGE = 64;

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** `store.ledger.archive` on PostgreSQL; the commit is one transaction on a client of its own. */
export function createPostgresArchive(
  pool: pg.Pool,
  query: Query,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
): LedgerArchiveStore {
  const latest = async (run: Query = query) => {
    const [row] = await run<ArchiveRow>(
      `SELECT ${ARCHIVE_SELECT} FROM ledger_archives ORDER BY last_seq DESC, id DESC LIMIT 1`,
    );
    return row ? rowToArchive(row) : null;
  };
  return {
    async latest() {
      return read('reading ledger archives', () => latest());
    },

    async list(afterId, limit) {
      return read('reading ledger archives', async () =>
        (
          await query<ArchiveRow>(`SELECT ${ARCHIVE_SELECT} FROM ledger_archives WHERE id > $1 ORDER BY id LIMIT $2`, [
            afterId,
            Math.max(0, limit),
          ])
        ).map(rowToArchive),
      );
    },

    async cutoff(afterSeq, before) {
      return read('finding the archive cutoff', async () => {
        const [young] = await query<{ seq: number }>(
          'SELECT seq FROM action_events WHERE seq > $1 AND created_at >= $2 ORDER BY seq LIMIT 1',
          [afterSeq, before],
        );
        if (young !== undefined) return Math.max(afterSeq, young.seq - 1);
        const [newest] = await query<{ seq: number | null }>('SELECT max(seq) AS seq FROM action_events');
        return Math.max(afterSeq, newest?.seq ?? 0);
      });
    },

    async kept(lastSeq, terminal, afterSeq, limit) {
      return read('planning an archive', () =>
        query<EventKey>(
          // Each event's own action decides (a primary-key lookup), so a page costs its events,
          // not the whole stretch: `NOT IN (REMOVABLE)` listed every removable action per page.
          `SELECT e.seq, e.action_id, e.event_type, e.hash FROM action_events e
           LEFT JOIN actions a ON a.id = e.action_id
           WHERE e.seq > $3 AND e.seq <= $1 AND NOT coalesce(a.id IS NOT NULL AND ${REMOVED_ACTION_TERMS}, false)
           ORDER BY e.seq LIMIT $4`,
          [lastSeq, [...terminal], afterSeq, Math.max(0, limit)],
        ),
      );
    },

    async plan(lastSeq, terminal) {
      return read('planning an archive', async () => {
        const [row] = await query<{ removed_actions: number; removed_events: number }>(
          `WITH removable AS (${REMOVABLE})
           SELECT (SELECT count(*) FROM removable) AS removed_actions,
             (SELECT count(*) FROM action_events WHERE seq <= $1 AND action_id IN (SELECT id FROM removable)) AS removed_events`,
          [lastSeq, [...terminal]],
        );
        return { removed_actions: Number(row?.removed_actions ?? 0), removed_events: Number(row?.removed_events ?? 0) };
      });
    },

    async commit({ record, terminal, onStep }) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error, 'archiving the ledger');
      }
      const run: Query = async (text, values = []) => (await client.query(text, values)).rows;
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', ARCHIVE_LOCK);
        const previous = await latest(run);
        const [head] = await run<{ seq: number }>('SELECT seq FROM ledger_head WHERE id = 1');
        if (
          record.first_seq !== (previous?.last_seq ?? 0) + 1 ||
          (previous !== null && previous.last_hash !== record.prev_hash) ||
          head === undefined ||
          record.last_seq > head.seq
        ) {
          throw conflict('the archive does not continue the newest archive of this ledger');
        }
        await client.query(`CREATE TEMP TABLE archive_removal ON COMMIT DROP AS ${REMOVABLE}`, [
          record.last_seq,
          [...terminal],
        ]);
        const events = await client.query(
          'DELETE FROM action_events WHERE seq <= $1 AND action_id IN (SELECT id FROM archive_removal)',
          [record.last_seq],
        );
        onStep?.('events_deleted');
        const actions = await client.query('DELETE FROM actions WHERE id IN (SELECT id FROM archive_removal)');
        for (const statement of sideRowDeletes('archive_removal')) await client.query(statement);
        onStep?.('actions_deleted');
        const [kept] = await run<{ n: number }>('SELECT count(*) AS n FROM action_events WHERE seq <= $1', [
          record.last_seq,
        ]);
        const retained = Number(kept?.n ?? 0);
        if (
          events.rowCount !== record.removed_events ||
          actions.rowCount !== record.removed_actions ||
          retained !== record.retained_events
        ) {
          throw conflict(
            `the ledger changed since the archive was planned (removed ${events.rowCount} events and ${actions.rowCount} actions, ${retained} retained; planned ${record.removed_events}, ${record.removed_actions}, ${record.retained_events})`,
          );
        }
        const placeholders = ARCHIVE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
        const [row] = await run<{ id: number }>(
          `INSERT INTO ledger_archives (${ARCHIVE_COLUMNS.join(', ')}) VALUES (${placeholders}) RETURNING id`,
          archiveValues(record),
        );
        await client.query('COMMIT');
        return { id: Number(row?.id), ...record };
      } catch (error) {
        if (isConnectionError(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch(() => {});
        throw error instanceof StoreError ? error : toStoreError(error, 'archiving the ledger');
      } finally {
        client.release(broken);
      }
    },

    async pruneUsage(before, from, stretch) {
      return read('pruning limit usage', async () => {
        const start = from ?? 0;
        const end = start + Math.max(1, Math.ceil(stretch / ROWS_PER_PAGE));
        const removed = await pool.query(PRUNE_USAGE, [before, `(${start},0)`, `(${end},0)`]);
        const [size] = await query<{ pages: string }>(PAGES);
        return { removed: removed.rowCount ?? 0, next: Number(size?.pages ?? 0) > end ? end : null };
      });
    },
  };
}

function conflict(message: string): StoreError {
  return new StoreError('version_conflict', message);
}
