import type Database from 'better-sqlite3';
import {
  type ExampleTextRow,
  type GroupTextRow,
  SHADOW_EXAMPLES,
  SHADOW_GROUPS,
  SHADOW_INSERT,
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

type Sql = (text: string) => Database.Statement;

/** Inserts a disagreement on the writer connection, inside whatever transaction is open (its action's). */
export function insertShadowDisagreement(sql: Sql, record: ShadowDisagreementRecord): void {
  const row = disagreementToRow(record);
  sql(SHADOW_INSERT).run(...SHADOW_COLUMNS.map((column) => row[column]));
}

// One statement whatever the number of ids (the statement cache holds one per distinct SQL text).
const FOR_ACTIONS = `SELECT ${SHADOW_SELECT_COLUMNS} FROM shadow_disagreements
  WHERE action_id IN (SELECT value FROM json_each(?))`;

/** `store.shadow` on SQLite: reads run directly, writes through the group-commit queue. */
export function createSqliteShadow(
  sql: Sql,
  read: <T>(doing: string, run: () => T) => T,
  write: <T>(doing: string, run: () => T) => Promise<T>,
): ShadowStore {
  return {
    async getPolicy() {
      return read('reading the shadow policy', () => {
        const row = sql(SHADOW_POLICY_SELECT).get() as ShadowPolicyRecord | undefined;
        return row ?? null;
      });
    },

    async policyHead() {
      return read('reading the shadow policy', () => {
        const row = sql(SHADOW_POLICY_HEAD).get() as { hash: string; set_at: string } | undefined;
        return row ?? null;
      });
    },

    async setPolicy(record) {
      return write(
        'setting the shadow policy',
        () =>
          sql(SHADOW_POLICY_UPSERT).get(record.source, record.hash, record.set_by, record.set_at) as ShadowPolicyRecord,
      );
    },

    async clearPolicy(hash) {
      return write('clearing the shadow policy', () => {
        const result = hash === undefined ? sql(SHADOW_POLICY_DELETE).run() : sql(SHADOW_POLICY_DELETE_IF).run(hash);
        return result.changes > 0;
      });
    },

    async forActions(actionIds) {
      if (actionIds.length === 0) return [];
      return read('reading shadow disagreements', () =>
        (sql(FOR_ACTIONS).all(JSON.stringify(actionIds)) as ShadowRow[]).map(rowToDisagreement),
      );
    },

    async summarize(input) {
      return read('summarizing shadow disagreements', () => {
        const window = [input.policy_hash, input.since, input.until];
        const groups = sql(SHADOW_GROUPS).all(...window, input.max_groups) as GroupTextRow[];
        const examples = sql(SHADOW_EXAMPLES).all(
          ...window,
          input.examples,
          input.examples * input.max_groups,
        ) as ExampleTextRow[];
        const { count } = sql(SHADOW_SUBMISSIONS).get(input.since, input.until) as { count: number };
        return summaryFromRows(groups, examples, count);
      });
    },
  };
}
