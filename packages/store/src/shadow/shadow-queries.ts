import { parseRule, SHADOW_COLUMNS, type ShadowSummaryRows } from './shadow-store.js';

/**
 * The SQL both backends share, with `?` placeholders (the PostgreSQL adapter numbers them). Rules
 * are canonical JSON text, so grouping by the text groups equal rules.
 */
const WINDOW = 'shadow_policy_hash = ? AND created_at >= ? AND created_at < ?';

export const SHADOW_INSERT = `INSERT INTO shadow_disagreements (${SHADOW_COLUMNS.join(', ')})
  VALUES (${SHADOW_COLUMNS.map(() => '?').join(', ')})`;

export const SHADOW_SELECT_COLUMNS = SHADOW_COLUMNS.join(', ');

export const SHADOW_GROUPS = `SELECT active_decision, shadow_decision, shadow_rule, active_policy_hash,
    count(*) AS count
  FROM shadow_disagreements WHERE ${WINDOW}
  GROUP BY active_decision, shadow_decision, shadow_rule, active_policy_hash
  ORDER BY count DESC LIMIT ?`;

// The newest few per (old decision, new decision, shadow rule): one pass over the window's rows.
export const SHADOW_EXAMPLES = `SELECT action_id, created_at, active_decision, shadow_decision, shadow_rule FROM (
    SELECT action_id, created_at, active_decision, shadow_decision, shadow_rule,
      row_number() OVER (PARTITION BY active_decision, shadow_decision, shadow_rule
        ORDER BY created_at DESC, action_id DESC) AS n
    FROM shadow_disagreements WHERE ${WINDOW}
  ) AS ranked WHERE n <= ? ORDER BY created_at DESC, action_id DESC LIMIT ?`;

// The report's denominator: every action created in the window (actions_newest covers the range).
export const SHADOW_SUBMISSIONS = 'SELECT count(*) AS count FROM actions WHERE created_at >= ? AND created_at < ?';

export const SHADOW_POLICY_SELECT = 'SELECT source, hash, set_by, set_at FROM shadow_policy WHERE id = 1';
export const SHADOW_POLICY_HEAD = 'SELECT hash, set_at FROM shadow_policy WHERE id = 1';
// The same policy set again keeps when (and by whom) it was first set: its evaluation never stopped,
// and its report counts from set_at. SET expressions read the row as it was before the update.
export const SHADOW_POLICY_UPSERT = `INSERT INTO shadow_policy (id, source, hash, set_by, set_at) VALUES (1, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET source = excluded.source, hash = excluded.hash,
    set_by = CASE WHEN shadow_policy.hash = excluded.hash THEN shadow_policy.set_by ELSE excluded.set_by END,
    set_at = CASE WHEN shadow_policy.hash = excluded.hash THEN shadow_policy.set_at ELSE excluded.set_at END
  RETURNING source, hash, set_by, set_at`;
export const SHADOW_POLICY_DELETE = 'DELETE FROM shadow_policy WHERE id = 1';
export const SHADOW_POLICY_DELETE_IF = 'DELETE FROM shadow_policy WHERE id = 1 AND hash = ?';

/** Rewrites `?` placeholders as PostgreSQL's `$1, $2, …`. */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** A group row as SHADOW_GROUPS returns it (the rule still JSON text). */
export interface GroupTextRow {
  active_decision: string;
  shadow_decision: string;
  shadow_rule: string | null;
  active_policy_hash: string;
  count: number;
}

/** An example row as SHADOW_EXAMPLES returns it (the rule still JSON text). */
export interface ExampleTextRow {
  action_id: string;
  created_at: string;
  active_decision: string;
  shadow_decision: string;
  shadow_rule: string | null;
}

export function summaryFromRows(
  groups: GroupTextRow[],
  examples: ExampleTextRow[],
  submissions: number,
): ShadowSummaryRows {
  return {
    submissions,
    groups: groups.map((g) => ({ ...g, shadow_rule: parseRule(g.shadow_rule) })),
    examples: examples.map((e) => ({ ...e, shadow_rule: parseRule(e.shadow_rule) })),
  };
}
