/**
 * What archiving does to the rows of other tables that name an action (the same SQL on SQLite and
 * PostgreSQL). Kept, naming an archived action: grants (the record of who allowed what) and limit
 * usage (a limit's window keeps counting what passed, archived or not). Removed with their actions:
 * shadow disagreements (a report counts them against the submissions still in the database), Slack
 * messages (a finished action's message is final; nothing updates it again) and the action's
 * notifications once none is waiting to be sent (delivery bookkeeping with a copy of the action:
 * kept, they would grow the outbox by a payload per message forever).
 */

/**
 * A standing grant made by action `a` that has not ended: neither revoked nor its expiry recorded.
 * Its revocation or expiry is a ledger event on `a` (the grant service writes it there), so
 * archiving keeps `a` until then (`grants_action` indexes `action_id` on both databases).
 */
export const GRANT_NOT_ENDED = `SELECT 1 FROM grants g
      WHERE g.action_id = a.id AND g.revoked_at IS NULL AND g.expiry_recorded_at IS NULL`;

/**
 * A notification of action `a` still waiting to be sent (queued, leased or not, or waiting for a
 * retry): archiving keeps `a` until it is delivered or dead, so that no message in flight loses its
 * action and every message of a removed action can go with it (`outbox_action` indexes `action_id`).
 */
export const MESSAGE_WAITING = `SELECT 1 FROM outbox o WHERE o.action_id = a.id AND o.status = 'queued'`;

/** Tables whose rows go with the actions an archive removes. */
const REMOVED_WITH_ACTIONS = ['shadow_disagreements', 'slack_messages'] as const;

/** The deletes of those rows, for the removal's table of action ids (`temp.archive_removal`, …). */
export function sideRowDeletes(removalTable: string): string[] {
  return [
    ...REMOVED_WITH_ACTIONS.map((table) => `DELETE FROM ${table} WHERE action_id IN (SELECT id FROM ${removalTable})`),
    // Only ended messages: one queued after the removal was planned (none should be) is still sent.
    `DELETE FROM outbox WHERE action_id IN (SELECT id FROM ${removalTable}) AND status <> 'queued'`,
  ];
}
