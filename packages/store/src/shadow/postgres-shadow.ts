import type pg from 'pg';
import {
  type ExampleTextRow,
  type GroupTextRow,
  numbered,
  SHADOW_EXAMPLES,
  SHADOW_GROUPS,
  SHADOW_POLICY_DELETE,
  SHADOW_POLICY_DELETE_IF,
  SHADOW_POLICY_HEAD,
  SHADOW_POLICY_SELECT,
  SHADOW_POLICY_UPSERT,
  SHADOW_SELECT_COLUMNS,
  SHADOW_SUBMISSIONS,
  summaryFromRows,
} from './shadow-queries.js';
import {
  disagreementToRow,
  rowToDisagreement,
  SHADOW_COLUMNS,
  type ShadowDisagreementRecord,
  type ShadowPolicyRecord,
  type ShadowRow,
  type ShadowStore,
} from './shadow-store.js';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;
type Run = (text: string, values: unknown[]) => Promise<number>;

const GROUPS = numbered(SHADOW_GROUPS.replace('count(*) AS count', 'count(*)::int AS count'));
const EXAMPLES = numbered(SHADOW_EXAMPLES);
const SUBMISSIONS = numbered(SHADOW_SUBMISSIONS.replace('count(*) AS count', 'count(*)::int AS count'));
const UPSERT = numbered(SHADOW_POLICY_UPSERT);
const FOR_ACTIONS = `SELECT ${SHADOW_SELECT_COLUMNS} FROM shadow_disagreements WHERE action_id = ANY($1::text[])`;

/** The rows a write batch inserts (postgres-write-queue.ts), as JSON for json_populate_recordset. */
export function shadowRows(records: readonly ShadowDisagreementRecord[]): ShadowRow[] {
  return records.map(disagreementToRow);
}

/**
 * `store.shadow` on PostgreSQL. The policy row is written by single statements outside the ledger's
 * advisory lock (it never touches the ledger); disagreements are inserted by the write batch of
 * their action.
 */
export function createPostgresShadow(
  query: Query,
  run: Run,
  read: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
  write: <T>(doing: string, run: () => Promise<T>) => Promise<T>,
): ShadowStore {
  return {
    async getPolicy() {
      return read('reading the shadow policy', async () => {
        const [row] = await query<ShadowPolicyRecord & pg.QueryResultRow>(SHADOW_POLICY_SELECT);
        return row === undefined
          ? null
          : { source: row.source, hash: row.hash, set_by: row.set_by, set_at: row.set_at };
      });
    },

    async policyHead() {
      return read('reading the shadow policy', async () => {
        const [row] = await query<{ hash: string; set_at: string }>(SHADOW_POLICY_HEAD);
        return row === undefined ? null : { hash: row.hash, set_at: row.set_at };
      });
    },

    async setPolicy(record) {
      return write('setting the shadow policy', async () => {
        const [row] = await query<ShadowPolicyRecord & pg.QueryResultRow>(UPSERT, [
          record.source,
          record.hash,
          record.set_by,
          record.set_at,
        ]);
        if (row === undefined) throw new Error('the shadow policy upsert returned no row');
        return { source: row.source, hash: row.hash, set_by: row.set_by, set_at: row.set_at };
      });
    },

    async clearPolicy(hash) {
      return write('clearing the shadow policy', async () =>
        hash === undefined
          ? (await run(SHADOW_POLICY_DELETE, [])) > 0
          : (await run(numbered(SHADOW_POLICY_DELETE_IF), [hash])) > 0,
      );
    },

    async forActions(actionIds) {
      if (actionIds.length === 0) return [];
      return read('reading shadow disagreements', async () =>
        (await query<ShadowRow & pg.QueryResultRow>(FOR_ACTIONS, [[...actionIds]])).map(rowToDisagreement),
      );
    },

    async summarize(input) {
      return read('summarizing shadow disagreements', async () => {
        const window = [input.policy_hash, input.since, input.until];
        const groups = await query<GroupTextRow & pg.QueryResultRow>(GROUPS, [...window, input.max_groups]);
        const examples = await query<ExampleTextRow & pg.QueryResultRow>(EXAMPLES, [
          ...window,
          input.examples,
          input.examples * input.max_groups,
        ]);
        // After the disagreements, in its own statement: it sees every action committed before they were read.
        const [counted] = await query<{ count: number }>(SUBMISSIONS, [input.since, input.until]);
        return summaryFromRows(groups, examples, counted?.count ?? 0);
      });
    },
  };
}

export { SHADOW_COLUMNS };
