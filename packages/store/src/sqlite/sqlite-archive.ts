import type Database from 'better-sqlite3';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_SELECT,
  type ArchiveRow,
  archiveValues,
  rowToArchive,
} from '../archive/archive-rows.js';
import { GRANT_NOT_ENDED, sideRowDeletes } from '../archive/archive-side-tables.js';
import { supersededUsage } from '../archive/usage-prune.js';
import type { LedgerArchiveStore, StoredArchive } from '../ledger-archive.js';
import type { EventKey } from '../ledger-store.js';
import { StoreError } from '../store.js';
import { hashTextSql, uuidTextSql } from './compact-ids.js';
import type { RecentUsage } from './recent-usage.js';
import { LOWER_SEARCH_INDEXED, SEARCH_INDEXED_UPTO, SEARCH_TABLE, SEARCH_TEXT } from './search-batch.js';
import { moveRecentUsage } from './sqlite-limit-usage.js';

/** An event's action id as the actions table's text id (the ledger stores UUIDs as bytes, compact-ids.ts). */
const EVENT_ACTION_ID = uuidTextSql('e.action_id');

/**
 * An event's created_at: the ledger stores none when it is its action's (the events of a create
 * write, stored-events.ts), so it is then read from the action row.
 */
const EVENT_CREATED_AT = `coalesce(e.created_at, (SELECT a.created_at FROM actions a WHERE a.id = ${EVENT_ACTION_ID}))`;

/** What makes an action `a` with an event at or below @last one the archive removes (see REMOVABLE). */
const REMOVED_ACTION_TERMS = `a.status IN (SELECT value FROM json_each(@terminal))
    AND (SELECT max(value) FROM json_each(a.event_seqs)) <= @last
    AND NOT EXISTS (${GRANT_NOT_ENDED})`;

/** The same for an event's action `a` (LEFT JOINed: an event whose action row is gone is kept). */
const REMOVED_ACTION = `(a.id IS NOT NULL AND ${REMOVED_ACTION_TERMS})`;

/**
 * The actions archiving up to @last removes: terminal, and with every event at or below @last (an
 * action's seq list is ascending, so its largest entry is its newest event), and not the origin of a
 * standing grant that has not ended (its revocation or expiry is still to be recorded on it).
 * Candidates come from the archived stretch itself, so the cost follows its size, not the table's.
 */
const REMOVABLE = `SELECT a.id FROM actions a
  WHERE a.id IN (SELECT ${EVENT_ACTION_ID} FROM action_events e WHERE e.seq <= @last)
    AND ${REMOVED_ACTION_TERMS}`;

/**
 * The seqs at or below @last of the actions listed in `table` (every event of a removable action is):
 * found through each action's own seq list, since the ledger has no index on action ids.
 */
const removedSeqs = (
  table: string,
) => `SELECT j.value FROM ${table} r JOIN actions a ON a.id = r.id, json_each(a.event_seqs) j
  WHERE j.value <= @last`;

type Sql = (text: string) => Database.Statement;

/**
 * One stretch of usage pruning: the rows in a rowid range (rowids ascend with insertion, so old rows
 * come first; any order would do, since every row of the table is looked at once per pass).
 */
const PRUNE_USAGE = `DELETE FROM limit_usage AS u
  WHERE u.rowid >= @from AND u.rowid < @to AND ${supersededUsage('@before')}`;

/**
 * `store.ledger.archive` on SQLite; the commit runs through the group-commit queue (`write`), and so
 * do the stretches of usage pruning (`writeUsage`, which leaves the in-memory counts alone).
 */
export function createSqliteArchive(
  sql: Sql,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(run: () => T) => Promise<T>,
  writeUsage: <T>(run: () => T) => Promise<T>,
  recent: RecentUsage,
): LedgerArchiveStore {
  const latest = (): StoredArchive | null => {
    const row = sql(`SELECT ${ARCHIVE_SELECT} FROM ledger_archives ORDER BY last_seq DESC, id DESC LIMIT 1`).get() as
      | ArchiveRow
      | undefined;
    return row ? rowToArchive(row) : null;
  };
  return {
    async latest() {
      return read('reading ledger archives', latest);
    },

    async list(afterId, limit) {
      return read('reading ledger archives', () =>
        (
          sql(`SELECT ${ARCHIVE_SELECT} FROM ledger_archives WHERE id > ? ORDER BY id LIMIT ?`).all(
            afterId,
            Math.max(0, limit),
          ) as ArchiveRow[]
        ).map(rowToArchive),
      );
    },

    async cutoff(afterSeq, before) {
      return read('finding the archive cutoff', () => {
        // Walks the ledger from afterSeq in seq order and stops at the first young event.
        const young = sql(
          `SELECT e.seq FROM action_events e WHERE e.seq > ? AND ${EVENT_CREATED_AT} >= ? ORDER BY e.seq LIMIT 1`,
        ).get(afterSeq, before) as { seq: number } | undefined;
        if (young !== undefined) return Math.max(afterSeq, young.seq - 1);
        const newest = sql('SELECT max(seq) AS seq FROM action_events').get() as { seq: number | null };
        return Math.max(afterSeq, newest.seq ?? 0);
      });
    },

    async kept(lastSeq, terminal, afterSeq, limit) {
      return read(
        'planning an archive',
        () =>
          sql(
            // Each event's own action decides (a primary-key lookup), so a page costs its events,
            // not the whole stretch: `NOT IN (REMOVABLE)` listed every removable action per page.
            `SELECT e.seq, ${EVENT_ACTION_ID} AS action_id, e.event_type, ${hashTextSql('e.hash')} AS hash
             FROM action_events e LEFT JOIN actions a ON a.id = ${EVENT_ACTION_ID}
             WHERE e.seq > @after AND e.seq <= @last AND NOT coalesce(${REMOVED_ACTION}, 0)
             ORDER BY e.seq LIMIT @limit`,
          ).all({
            after: afterSeq,
            last: lastSeq,
            terminal: JSON.stringify(terminal),
            limit: Math.max(0, limit),
          }) as EventKey[],
      );
    },

    async plan(lastSeq, terminal) {
      return read('planning an archive', () => {
        const row = sql(
          `WITH removable AS (${REMOVABLE})
           SELECT (SELECT count(*) FROM removable) AS removed_actions,
             (SELECT count(*) FROM action_events WHERE seq IN (${removedSeqs('removable')})) AS removed_events`,
        ).get({ last: lastSeq, terminal: JSON.stringify(terminal) }) as {
          removed_actions: number;
          removed_events: number;
        };
        return { removed_actions: row.removed_actions, removed_events: row.removed_events };
      });
    },

    async commit({ record, terminal, onStep }) {
      return write(() => {
        const previous = latest();
        const head = sql('SELECT seq FROM ledger_head WHERE id = 1').get() as { seq: number } | undefined;
        if (
          record.first_seq !== (previous?.last_seq ?? 0) + 1 ||
          (previous !== null && previous.last_hash !== record.prev_hash) ||
          head === undefined ||
          record.last_seq > head.seq
        ) {
          throw conflict('the archive does not continue the newest archive of this ledger');
        }
        const params = { last: record.last_seq, terminal: JSON.stringify(terminal) };
        sql('CREATE TEMP TABLE IF NOT EXISTS archive_removal (id TEXT PRIMARY KEY)').run();
        sql('CREATE TEMP TABLE IF NOT EXISTS archive_seqs (seq INTEGER PRIMARY KEY)').run();
        sql('CREATE TEMP TABLE IF NOT EXISTS archive_search (rid INTEGER PRIMARY KEY, text TEXT)').run();
        sql('DELETE FROM temp.archive_removal').run();
        sql('DELETE FROM temp.archive_seqs').run();
        sql('DELETE FROM temp.archive_search').run();
        sql(`INSERT INTO temp.archive_removal (id) SELECT id FROM (${REMOVABLE})`).run(params);
        sql(`INSERT INTO temp.archive_seqs (seq) ${removedSeqs('temp.archive_removal')}`).run({
          last: record.last_seq,
        });
        // The search index is contentless: an entry is removed by giving back exactly the text it
        // indexed (the same expression as the writer's batch insert, search-batch.ts). Its entries
        // are the rows up to search_indexed.upto, keyed by their rowid; the tail above has none.
        sql(
          `INSERT INTO temp.archive_search (rid, text)
           SELECT a.rowid, lower${SEARCH_TEXT} FROM actions a
           WHERE a.id IN (SELECT id FROM temp.archive_removal) AND a.rowid <= (${SEARCH_INDEXED_UPTO})`,
        ).run();
        sql(
          `INSERT INTO ${SEARCH_TABLE} (${SEARCH_TABLE}, rowid, text)
           SELECT 'delete', rid, text FROM temp.archive_search`,
        ).run();
        // A write's events are one action's, removed together: no kept event loses the event whose
        // hash is its prev_hash when the event stores none (stored-events.ts).
        const events = sql('DELETE FROM action_events WHERE seq IN (SELECT seq FROM temp.archive_seqs)').run().changes;
        onStep?.('events_deleted');
        // Events are deleted by seq, through each action's seq list; an action row goes only once
        // none of its events is left (its snapshots are rebuilt from the row, stored-events.ts).
        const actions = sql(
          `DELETE FROM actions WHERE id IN (SELECT id FROM temp.archive_removal)
             AND NOT EXISTS (SELECT 1 FROM action_events WHERE seq IN (SELECT value FROM json_each(actions.event_seqs)))`,
        ).run().changes;
        for (const statement of sideRowDeletes('temp.archive_removal')) sql(statement).run();
        sql(LOWER_SEARCH_INDEXED).run();
        onStep?.('actions_deleted');
        const retained = (
          sql('SELECT count(*) AS n FROM action_events WHERE seq <= ?').get(record.last_seq) as { n: number }
        ).n;
        if (
          events !== record.removed_events ||
          actions !== record.removed_actions ||
          retained !== record.retained_events
        ) {
          throw conflict(
            `the ledger changed since the archive was planned (removed ${events} events and ${actions} actions, ${retained} retained; planned ${record.removed_events}, ${record.removed_actions}, ${record.retained_events})`,
          );
        }
        const placeholders = ARCHIVE_COLUMNS.map(() => '?').join(', ');
        const { lastInsertRowid } = sql(
          `INSERT INTO ledger_archives (${ARCHIVE_COLUMNS.join(', ')}) VALUES (${placeholders})`,
        ).run(...archiveValues(record));
        return { id: Number(lastInsertRowid), ...record };
      });
    },

    async pruneUsage(before, from, stretch) {
      return writeUsage(() => {
        // Undone in the mirror if this write fails, as a writer's savepoint would (sqlite-writer.ts).
        const mark = recent.mark();
        try {
          // The first stretch moves the rows waiting in limit_usage_recent into limit_usage, so the
          // pass sees every counted row (a move is always allowed: recent-usage.ts).
          if (from === null) {
            recent.sync();
            moveRecentUsage(sql, recent);
          }
          const start = from ?? 0;
          const end = start + Math.max(1, Math.floor(stretch));
          const removed = sql(PRUNE_USAGE).run({ before, from: start, to: end }).changes;
          // Rows read ahead of a window's start may be among those removed.
          if (removed > 0) recent.starts.forgetAll();
          const { last } = sql('SELECT max(rowid) AS last FROM limit_usage').get() as { last: number | null };
          return { removed, next: last !== null && last >= end ? end : null };
        } catch (error) {
          recent.rollbackTo(mark);
          throw error;
        }
      });
    },
  };
}

function conflict(message: string): StoreError {
  return new StoreError('version_conflict', message);
}
