import type Database from 'better-sqlite3';
import { parseSeqList, toAuditedAction } from '../ledger-rows.js';
import type { EventKey, LedgerState, LedgerStore, StoredCheckpoint } from '../ledger-store.js';
import { unpackHash, unpackUuid } from './compact-ids.js';
import { ACTION_COLUMNS, type ActionRow } from './row-mapping.js';
import { SELECT_OWNERS, STORED_EVENT_COLUMNS, type StoredEventRow, storedEventReader } from './stored-events.js';

const ACTION_SELECT = `${ACTION_COLUMNS.join(', ')}, event_seqs`;
const CHECKPOINT_SELECT = 'id, seq, hash, at, key_id, signature';
// Lists are bound as one JSON array text and unpacked by json_each: one statement whatever the size.
const IN_LIST = '(SELECT value FROM json_each(?))';

type ActionWithSeqs = ActionRow & { event_seqs: unknown };

/**
 * `store.ledger` on SQLite. Reads run through `read` (closed-store and error translation);
 * checkpoints are written through the group-commit queue like every other write.
 */
export function createSqliteLedger(
  sql: (text: string) => Database.Statement,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(run: () => T) => Promise<T>,
): LedgerStore {
  const checkpointRow = (row: StoredCheckpoint): StoredCheckpoint => ({ ...row });
  /** Hashes read back as hex whatever their stored form (compact-ids.ts). */
  const position = (row: { seq: number; hash: unknown } | undefined) =>
    row === undefined ? null : { seq: row.seq, hash: unpackHash(row.hash) };
  const audited = (rows: StoredEventRow[]) => {
    const reader = storedEventReader((ids) => sql(SELECT_OWNERS).all(JSON.stringify(ids)) as ActionRow[]);
    reader.preload(rows);
    return rows.map((row) => reader.audited(row));
  };
  return {
    async state(): Promise<LedgerState> {
      return read('reading the ledger state', () => {
        type Position = { seq: number; hash: unknown } | undefined;
        const highWater = sql('SELECT seq, hash FROM ledger_head WHERE id = 1').get() as Position;
        const newest = sql('SELECT seq, hash FROM action_events ORDER BY seq DESC LIMIT 1').get() as Position;
        const oldest = sql('SELECT min(seq) AS seq FROM action_events').get() as { seq: number | null };
        return { high_water: position(highWater), newest: position(newest), oldest_seq: oldest.seq };
      });
    },

    async count() {
      return read('counting the ledger', () => {
        return sql(
          'SELECT (SELECT count(*) FROM action_events) AS events, (SELECT count(*) FROM actions) AS actions',
        ).get() as { events: number; actions: number };
      });
    },

    async actionsAfter(afterId, limit) {
      return read('reading actions for verification', () =>
        (
          sql(`SELECT ${ACTION_SELECT} FROM actions WHERE id > ? ORDER BY id LIMIT ?`).all(
            afterId,
            Math.max(0, limit),
          ) as ActionWithSeqs[]
        ).map(toAuditedAction),
      );
    },

    async seqLists(ids) {
      return read('reading actions for verification', () =>
        (
          sql(`SELECT id, event_seqs FROM actions WHERE id IN ${IN_LIST} ORDER BY id`).all(JSON.stringify(ids)) as {
            id: string;
            event_seqs: unknown;
          }[]
        ).map((row) => ({ id: row.id, event_seqs: parseSeqList(row.event_seqs) })),
      );
    },

    async events(afterSeq, limit) {
      return read('reading the ledger', () =>
        audited(
          sql(`SELECT ${STORED_EVENT_COLUMNS} FROM action_events e WHERE e.seq > ? ORDER BY e.seq LIMIT ?`).all(
            afterSeq,
            Math.max(0, limit),
          ) as StoredEventRow[],
        ),
      );
    },

    async eventsAt(seqs) {
      return read('reading the ledger', () =>
        audited(
          sql(`SELECT ${STORED_EVENT_COLUMNS} FROM action_events e WHERE e.seq IN ${IN_LIST} ORDER BY e.seq`).all(
            JSON.stringify(seqs),
          ) as StoredEventRow[],
        ),
      );
    },

    async eventKeys(seqs) {
      return read('reading the ledger', () =>
        (
          sql(`SELECT seq, action_id, event_type, hash FROM action_events WHERE seq IN ${IN_LIST} ORDER BY seq`).all(
            JSON.stringify(seqs),
          ) as Array<EventKey & { action_id: unknown; hash: unknown }>
        ).map((row) => ({ ...row, action_id: unpackUuid(row.action_id), hash: unpackHash(row.hash) })),
      );
    },

    async addCheckpoint(checkpoint) {
      return write(() => {
        const { lastInsertRowid } = sql(
          'INSERT INTO ledger_checkpoints (seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)',
        ).run(checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.key_id, checkpoint.signature);
        return { id: Number(lastInsertRowid), ...checkpoint };
      });
    },

    async checkpoints(after, limit) {
      return read('reading checkpoints', () =>
        (
          sql(
            `SELECT ${CHECKPOINT_SELECT} FROM ledger_checkpoints WHERE (seq, id) > (?, ?) ORDER BY seq, id LIMIT ?`,
          ).all(after?.seq ?? -1, after?.id ?? -1, Math.max(0, limit)) as StoredCheckpoint[]
        ).map(checkpointRow),
      );
    },

    async latestCheckpoint() {
      return read('reading checkpoints', () => {
        const row = sql(
          `SELECT ${CHECKPOINT_SELECT} FROM ledger_checkpoints ORDER BY seq DESC, id DESC LIMIT 1`,
        ).get() as StoredCheckpoint | undefined;
        return row ? checkpointRow(row) : null;
      });
    },
  };
}
