import type { Action } from '@faramesh/contract';
import { formatDateTime } from './format.js';
import { safeText } from './safe-text.js';

/**
 * Where an action's approvals stand, for people: "approved 1 of 2; waiting for finance" while a
 * quorum is incomplete, "2 of 2 approvals" once a multi-approval quorum completed; null when there is
 * nothing to add (no approval needed, or the usual single approval).
 */
export function approvalProgress(action: Action): string | null {
  const required = action.approvals_required ?? null;
  if (required === null) return null;
  const count = action.approvals?.length ?? 0;
  if (action.status === 'pending_approval') {
    const waiting = action.waiting_for?.text;
    return `approved ${count} of ${required}${waiting ? `; waiting for ${safeText(waiting)}` : ''}`;
  }
  return required > 1 ? `${count} of ${required} approvals` : null;
}

/** `get`'s rows about the quorum: who approved (when, why), who may still, the escalation ladder. */
export function approvalRows(action: Action): Array<[string, string | null]> {
  const required = action.approvals_required ?? null;
  if (required === null) return [];
  const votes = (action.approvals ?? []).map(
    (vote) => `${safeText(vote.by)} at ${formatDateTime(vote.at)}${vote.reason ? ` ("${safeText(vote.reason)}")` : ''}`,
  );
  const steps = action.escalation_steps ?? 0;
  const next = action.next_escalation_at ? `, next at ${formatDateTime(action.next_escalation_at)}` : '';
  return [
    ['Approvals', `${votes.length} of ${required}${votes.length > 0 ? `: ${votes.join('; ')}` : ''}`],
    ['Waiting For', action.waiting_for ? safeText(action.waiting_for.text) : null],
    ['Escalation', steps > 0 ? `step ${action.escalation_step ?? 0} of ${steps}${next}` : null],
  ];
}
