import type { Action } from '@faramesh/contract';

/**
 * The newer of two snapshots of one action (by its optimistic `version`, then `updated_at`), so
 * frames replayed after a reconnect or arriving out of order never roll a row back. SSE frames omit
 * `approval_token`; the older snapshot's token is kept so an approver can still act.
 */
export function mergeAction(current: Action | undefined, incoming: Action): Action {
  if (current === undefined) return incoming;
  let newer = isNewer(incoming, current) ? incoming : current;
  // SSE frames also omit the reader's `you_may_decide`: keep it while the action is the same version.
  const older = newer === incoming ? current : incoming;
  if (newer.you_may_decide === undefined && older.you_may_decide !== undefined && older.version === newer.version) {
    newer = { ...newer, you_may_decide: older.you_may_decide };
  }
  const token = newer.approval_token ?? current.approval_token ?? incoming.approval_token;
  return token === undefined || token === newer.approval_token ? newer : { ...newer, approval_token: token };
}

function isNewer(a: Action, b: Action): boolean {
  if (a.version !== b.version) return a.version > b.version;
  return a.updated_at >= b.updated_at;
}
