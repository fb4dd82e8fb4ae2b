import type { ActionPatch, ActionRecord } from './store.js';

/** The only fields a transition may touch; a runtime list because callers' objects may carry more. */
export const PATCHABLE = [
  'status',
  'approval_token',
  'approval_expires_at',
  'approval_decided_by',
  'approval_decided_at',
  'approval_reason',
  'started_at',
  'finished_at',
  'result_error',
  'approval',
] as const satisfies ReadonlyArray<keyof ActionPatch>;

/** The action after a successful compare-and-set: patch applied, version bumped, updated_at = at. */
export function applyPatch(action: ActionRecord, patch: ActionPatch, at: string): ActionRecord {
  const next: ActionRecord = { ...action, version: action.version + 1, updated_at: at };
  for (const key of PATCHABLE) {
    const value = patch[key];
    if (value === undefined) continue;
    (next as unknown as Record<string, unknown>)[key] = value;
  }
  return next;
}
