import type pg from 'pg';
import { parseSeqList, toAuditedAction, toAuditedEvent } from '../ledger-rows.js';
import type { EventKey, LedgerState, LedgerStore, StoredCheckpoint } from '../ledger-store.js';
import { ACTION_COLUMNS, type ActionRow, type EventRow } from '../sqlite/row-mapping.js';

// An action's seq list is the seqs of the events that name it (the (action_id, seq) index).
const ACTION_SELECT = `${ACTION_COLUMNS.map((c) => `a.${c}`).join(', ')},
  ARRAY(SELECT e.seq FROM action_events e WHERE e.action_id = a.id ORDER BY e.seq) AS event_seqs`;
const CHECKPOINT_SELECT = 'id, seq, hash, at, key_id, signature';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;
type ActionWithSeqs = ActionRow & { event_seqs: unknown };

/** `store.ledger` on PostgreSQL; `read` retries a cut connection once and translates errors. */
export function createPostgresLedger(
  query: Query,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
): LedgerStore {
  const actions = (rows: ActionWithSeqs[]) => rows.map(toAuditedAction);
  return {
    async state(): Promise<LedgerState> {
      return read('reading the ledger state', async () => {
        const [row] = await query<{
          hw_seq: number | null;
          hw_hash: string | null;
          seq: number | null;
          hash: string | null;
          oldest: number | null;
        }>(
          `SELECT h.seq AS hw_seq, h.hash AS hw_hash, n.seq, n.hash, (SELECT min(seq) FROM action_events) AS oldest
           FROM (SELECT 1) one
           LEFT JOIN ledger_head h ON h.id = 1
           LEFT JOIN LATERAL (SELECT seq, hash FROM action_events ORDER BY seq DESC LIMIT 1) n ON true`,
        );
        return {
          high_water: row?.hw_seq == null || row.hw_hash == null ? null : { seq: row.hw_seq, hash: row.hw_hash },
          newest: row?.seq == null || row.hash == null ? null : { seq: row.seq, hash: row.hash },
          oldest_seq: row?.oldest ?? null,
        };
      });
    },

    async count() {
      return read('counting the ledger', async () => {
        const [row] = await query<{ events: number; actions: number }>(
          'SELECT (SELECT count(*) FROM action_events) AS events, (SELECT count(*) FROM actions) AS actions',
        );
        return { events: row?.events ?? 0, actions: row?.actions ?? 0 };
      });
    },

    async actionsAfter(afterId, limit) {
      return read('reading actions for verification', async () =>
        actions(
          await query<ActionWithSeqs>(`SELECT ${ACTION_SELECT} FROM actions a WHERE a.id > $1 ORDER BY a.id LIMIT $2`, [
            afterId,
            Math.max(0, limit),
          ]),
        ),
      );
    },

    async seqLists(ids) {
      return read('reading actions for verification', async () =>
        (
          await query<{ id: string; event_seqs: unknown }>(
            `SELECT a.id, ARRAY(SELECT e.seq FROM action_events e WHERE e.action_id = a.id ORDER BY e.seq) AS event_seqs
             FROM actions a WHERE a.id = ANY($1::text[]) ORDER BY a.id`,
            [[...ids]],
          )
        ).map((row) => ({ id: row.id, event_seqs: parseSeqList(row.event_seqs) })),
      );
    },

    async events(afterSeq, limit) {
      return read('reading the ledger', async () =>
        (
          await query<EventRow>('SELECT * FROM action_events WHERE seq > $1 ORDER BY seq LIMIT $2', [
            afterSeq,
            Math.max(0, limit),
          ])
        ).map(toAuditedEvent),
      );
    },

    async eventsAt(seqs) {
      return read('reading the ledger', async () =>
        (
          await query<EventRow>('SELECT * FROM action_events WHERE seq = ANY($1::bigint[]) ORDER BY seq', [[...seqs]])
        ).map(toAuditedEvent),
      );
    },

    async eventKeys(seqs) {
      return read('reading the ledger', async () =>
        query<EventKey>(
          'SELECT seq, action_id, event_type, hash FROM action_events WHERE seq = ANY($1::bigint[]) ORDER BY seq',
          [[...seqs]],
        ),
      );
    },

    async addCheckpoint(checkpoint) {
      return read('writing a checkpoint', async () => {
        const [row] = await query<{ id: number }>(
          'INSERT INTO ledger_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.key_id, checkpoint.signature],
        );
        return { id: Number(row?.id), ...checkpoint };
      });
    },

    async checkpoints(after, limit) {
      return read('reading checkpoints', async () =>
        query<StoredCheckpoint>(
          `SELECT ${CHECKPOINT_SELECT} FROM ledger_checkpoints WHERE (seq, id) > ($1, $2) ORDER BY seq, id LIMIT $3`,
          [after?.seq ?? -1, after?.id ?? -1, Math.max(0, limit)],
        ),
      );
    },

    async latestCheckpoint() {
      return read('reading checkpoints', async () => {
        const [row] = await query<StoredCheckpoint>(
          `SELECT ${CHECKPOINT_SELECT} FROM ledger_checkpoints ORDER BY seq DESC, id DESC LIMIT 1`,
        );
        return row ?? null;
      });
    },
  };
}
