import type { Action, ActionEvent } from '@faramesh/contract';
import { Users } from 'lucide-react';
import { RelativeTime } from './relative-time.js';
import { SafeText } from './safe-text.js';

/**
 * Where a team approval stands: "1 of 2 approvals — waiting for finance", who approved and why,
 * and when the next escalation step widens who may decide. Nothing for the usual single approval
 * that nobody has given yet (the panel already says it is waiting).
 */
export function QuorumProgress({ action }: { action: Action }) {
  const required = action.approvals_required ?? null;
  const approvals = action.approvals ?? [];
  if (required === null || (required === 1 && approvals.length === 0 && (action.escalation_steps ?? 0) === 0)) {
    return null;
  }
  const waiting = action.waiting_for?.text;
  return (
    <section className="quorum" aria-label="Approvals" data-testid="quorum-progress">
      <p className="quorum-summary">
        <Users size={16} aria-hidden />{' '}
        <strong>
          {approvals.length} of {required} approvals
        </strong>
        {action.status === 'pending_approval' && waiting !== undefined && (
          <>
            {' — waiting for '}
            <SafeText text={waiting} />
          </>
        )}
      </p>
      {approvals.length > 0 && (
        <ul className="quorum-votes">
          {approvals.map((vote) => (
            <li key={`${vote.by}-${vote.at}`}>
              <strong>
                <SafeText text={vote.by} />
              </strong>{' '}
              approved <RelativeTime iso={vote.at} />
              {vote.reason !== null && (
                <>
                  {': '}
                  <SafeText text={vote.reason} multiline />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {(action.escalation_steps ?? 0) > 0 && (
        <p className="muted quorum-escalation">
          Escalation step {action.escalation_step ?? 0} of {action.escalation_steps}
          {action.next_escalation_at !== null && action.next_escalation_at !== undefined && (
            <>
              {' · next '}
              <RelativeTime iso={action.next_escalation_at} />
            </>
          )}
        </p>
      )}
    </section>
  );
}

/** Why the signed-in person can't decide, from the server's `you_may_decide`; null when they may (or it is unknown). */
export function decisionBlocker(action: Action): string | null {
  const right = action.you_may_decide;
  if (right === undefined || right.ok) return null;
  switch (right.code) {
    case 'already_approved':
      return 'You have already approved this action; it is waiting for the other approvers.';
    case 'self_approval_forbidden':
      return 'You submitted this action, so you may not decide on it.';
    default:
      return right.reason ?? 'You may not decide on this action.';
  }
}

/** One line for an escalation event in the timeline: which step, and who may decide from then on. */
export function escalationSummary(event: ActionEvent): string | null {
  if (event.event_type !== 'escalated') return null;
  const {
    step,
    steps,
    waiting_for: waiting,
    notify,
  } = event.meta as {
    step?: number;
    steps?: number;
    waiting_for?: { text?: string };
    notify?: string[];
  };
  const who = waiting?.text ? `; now waiting for ${waiting.text}` : '';
  const told = notify !== undefined && notify.length > 0 ? `; notify ${notify.join(', ')}` : '';
  return `Step ${step ?? '?'} of ${steps ?? '?'}${who}${told}`;
}
