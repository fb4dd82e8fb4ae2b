import type Database from 'better-sqlite3';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_SELECT,
  type ArchiveRow,
  archiveValues,
  rowToArchive,
} from '../archive/archive-rows.js';
import { GRANT_NOT_ENDED, sideRowDeletes } from '../archive/archive-side-tables.js';
import type { LedgerArchiveStore, StoredArchive } from '../ledger-archive.js';
import type { EventKey } from '../ledger-store.js';
import { StoreError } from '../store.js';
import { SEARCH_TEXT } from './search-batch.js';

/**
 * The actions archiving up to @last removes: terminal, and with every event at or below @last (an
 * action's seq list is ascending, so its largest entry is its newest event), and not the origin of a
 * standing grant that has not ended (its revocation or expiry is still to be recorded on it).
 * Candidates come from the archived stretch itself, so the cost follows its size, not the table's.
 */
const REMOVABLE = `SELECT a.id FROM actions a
  WHERE a.id IN (SELECT action_id FROM action_events WHERE seq <= @last)
    AND a.status IN (SELECT value FROM json_each(@terminal))
    AND (SELECT max(value) FROM json_each(a.event_seqs)) <= @last
    AND NOT EXISTS (${GRANT_NOT_ENDED})`;

type Sql = (text: string) => Database.Statement;

/** `store.ledger.archive` on SQLite; the commit runs through the group-commit queue (`write`). */
export function createSqliteArchive(
  sql: Sql,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(run: () => T) => Promise<T>,
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
        const young = sql('SELECT seq FROM action_events WHERE seq > ? AND created_at >= ? ORDER BY seq LIMIT 1').get(
          afterSeq,
          before,
        ) as { seq: number } | undefined;
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
            `SELECT e.seq, e.action_id, e.event_type, e.hash FROM action_events e
             WHERE e.seq > @after AND e.seq <= @last AND e.action_id NOT IN (${REMOVABLE})
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
             (SELECT count(*) FROM action_events WHERE seq <= @last AND action_id IN removable) AS removed_events`,
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
        sql(
          'CREATE TEMP TABLE IF NOT EXISTS archive_search (rid INTEGER PRIMARY KEY, action_id TEXT, text TEXT)',
        ).run();
        sql('DELETE FROM temp.archive_removal').run();
        sql('DELETE FROM temp.archive_search').run();
        sql(`INSERT INTO temp.archive_removal (id) ${REMOVABLE}`).run(params);
        // The search index is contentless: an entry is removed by giving back exactly the text it
        // indexed (the same expression as its insert trigger), found by one pass over the index.
        sql(
          `INSERT INTO temp.archive_search (rid, action_id, text)
           SELECT s.rowid, s.action_id, lower(${SEARCH_TEXT}) FROM actions_search s JOIN actions a ON a.id = s.action_id
           WHERE s.action_id IN (SELECT id FROM temp.archive_removal)`,
        ).run();
        sql(
          `INSERT INTO actions_search (actions_search, rowid, action_id, text)
           SELECT 'delete', rid, action_id, text FROM temp.archive_search`,
        ).run();
        const events = sql(
          'DELETE FROM action_events WHERE seq <= ? AND action_id IN (SELECT id FROM temp.archive_removal)',
        ).run(record.last_seq).changes;
        onStep?.('events_deleted');
        // The events' foreign key makes every action delete look for events naming it; the ledger has
        // no action_id index (it would slow every append), so this transaction builds one over what is
        // left and drops it before committing: one sort instead of a table scan per removed action.
        sql('CREATE INDEX archive_events_by_action ON action_events (action_id)').run();
        const actions = sql('DELETE FROM actions WHERE id IN (SELECT id FROM temp.archive_removal)').run().changes;
        for (const statement of sideRowDeletes('temp.archive_removal')) sql(statement).run();
        sql('DROP INDEX archive_events_by_action').run();
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
  };
}

function conflict(message: string): StoreError {
  return new StoreError('version_conflict', message);
}
