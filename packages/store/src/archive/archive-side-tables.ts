/**
 * What archiving does to the rows of other tables that name an action (the same SQL on SQLite and
 * PostgreSQL). Kept, naming an archived action: grants (the record of who allowed what) and limit
 * usage (a limit's window keeps counting what passed, archived or not, until no window reaches it:
 * usage-prune.ts). Removed with their actions:
 * shadow disagreements (a report counts them against the submissions still in the database), Slack
 * messages (a finished action's message is final; nothing updates it again) and the action's
 * delivered and dead notifications (delivery bookkeeping with a copy of what was sent: kept, they
 * would grow the outbox by a payload per message for ever). A notification still waiting to be sent
 * stays and is sent (its payload is all it needs): waiting for it would keep the action for as long
 * as no replica delivers, e.g. for ever once every channel is removed from the configuration. It
 * goes when its outcome ends it (the outbox adapters check that its action is gone).
 */

/**
 * A standing grant made by action `a` that has not ended: neither revoked nor its expiry recorded.
 * Its revocation or expiry is a ledger event on `a` (the grant service writes it there), so
 * archiving keeps `a` until then (`grants_action` indexes `action_id` on both databases).
 */
export const GRANT_NOT_ENDED = `SELECT 1 FROM grants g
      WHERE g.action_id = a.id AND g.revoked_at IS NULL AND g.expiry_recorded_at IS NULL`;

/** Tables whose rows go with the actions an archive removes. */
const REMOVED_WITH_ACTIONS = ['shadow_disagreements', 'slack_messages'] as const;

/** The deletes of those rows, for the removal's table of action ids (`temp.archive_removal`, …). */
export function sideRowDeletes(removalTable: string): string[] {
  return [
    ...REMOVED_WITH_ACTIONS.map((table) => `DELETE FROM ${table} WHERE action_id IN (SELECT id FROM ${removalTable})`),
    // Ended messages only (`outbox_action` indexes action_id): one still queued is sent as it is.
    `DELETE FROM outbox WHERE action_id IN (SELECT id FROM ${removalTable}) AND status <> 'queued'`,
  ];
}
