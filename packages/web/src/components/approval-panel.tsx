import type { Action } from '@faramesh/contract';
import { Ban, CircleSlash, ShieldAlert, ShieldCheck } from 'lucide-react';
import type { Whoami } from '../api/faramesh-api.js';
import { canDecide } from '../auth/session-context.js';
import type { Decision } from '../hooks/use-decision.js';
import type { GrantDraft } from '../hooks/use-grant-draft.js';
import { GrantOption } from './grant-option.js';
import { decisionBlocker, QuorumProgress } from './quorum-progress.js';
import { RelativeTime } from './relative-time.js';
import { SafeText } from './safe-text.js';

interface ApprovalPanelProps {
  action: Action;
  me: Whoami;
  reason: string;
  onReasonChange: (reason: string) => void;
  decision: Decision;
  /** "Also allow similar calls" (absent: not offered). */
  grantDraft?: GrantDraft;
}

/** The approver's controls: an optional reason and two large buttons (thumb-sized on a phone). */
export function ApprovalPanel(props: ApprovalPanelProps) {
  return (
    <>
      <QuorumProgress action={props.action} />
      <DecisionControls {...props} />
    </>
  );
}

function DecisionControls({ action, me, reason, onReasonChange, decision, grantDraft }: ApprovalPanelProps) {
  if (action.status !== 'pending_approval') return <DecidedNote action={action} />;
  const ownSubmission = action.submitted_by !== null && action.submitted_by === me.name;
  if (!canDecide(me)) {
    return (
      <div className="approval approval-readonly" role="note">
        <ShieldAlert size={18} aria-hidden />
        <p>
          Waiting for an approver. You are signed in with an <strong>{me.role}</strong> token: agents can submit and
          report on actions but can never approve or deny them (separation of duties).
        </p>
      </div>
    );
  }
  // The server says whether this person may decide (approvers of the rule, quorum, escalation).
  const blocker = decisionBlocker(action);
  if (blocker !== null) {
    return (
      <div className="approval approval-readonly" role="note" data-testid="decision-blocked">
        <ShieldAlert size={18} aria-hidden />
        <p>
          <SafeText text={blocker} />
        </p>
      </div>
    );
  }
  if (!action.approval_token) {
    return (
      <div className="approval approval-readonly" role="note">
        <ShieldAlert size={18} aria-hidden />
        <p>The server did not give this session an approval token for this action, so it can't be decided here.</p>
      </div>
    );
  }
  return (
    <section className="approval" aria-labelledby="approval-title">
      <h3 id="approval-title" className="approval-title">
        Waiting for your decision
        {action.approval_expires_at !== null && (
          <span className="muted approval-expiry">
            {' '}
            · expires <RelativeTime iso={action.approval_expires_at} />
          </span>
        )}
      </h3>
      {ownSubmission && me.shared_identity === true && (
        <p className="self-approval-hint" role="note">
          You submitted this action with the same shared token: your decision is recorded as a self-approval.
        </p>
      )}
      <label htmlFor="approval-reason" className="field-label">
        Reason <span className="muted">(optional, recorded in the ledger)</span>
      </label>
      <textarea
        id="approval-reason"
        rows={2}
        maxLength={4096}
        value={reason}
        onChange={(event) => onReasonChange(event.target.value)}
        onKeyDown={(event) => {
          // Esc leaves the field (so a/d work) instead of closing the drawer.
          if (event.key === 'Escape') {
            event.stopPropagation();
            event.currentTarget.blur();
          }
        }}
      />
      {grantDraft !== undefined && <GrantOption draft={grantDraft} agent={action.agent_id} />}
      {decision.error !== null && (
        <p className="field-error" role="alert">
          {decision.error}
        </p>
      )}
      <div className="approval-buttons">
        <button
          type="button"
          className="button button-approve button-large"
          onClick={() => void decision.decide(true)}
          disabled={decision.busy !== null}
          aria-keyshortcuts="a"
        >
          <ShieldCheck size={20} aria-hidden />
          {decision.busy === 'approve' ? 'Approving…' : 'Approve'}
          <kbd aria-hidden>a</kbd>
        </button>
        <button
          type="button"
          className="button button-deny button-large"
          onClick={() => void decision.decide(false)}
          disabled={decision.busy !== null}
          aria-keyshortcuts="d"
        >
          <Ban size={20} aria-hidden />
          {decision.busy === 'deny' ? 'Denying…' : 'Deny'}
          <kbd aria-hidden>d</kbd>
        </button>
      </div>
    </section>
  );
}

function DecidedNote({ action }: { action: Action }) {
  if (action.approval_decided_at === null) return action.status === 'cancelled' ? <WithdrawnNote /> : null;
  // A decided action ends `expired` only when its approval lapsed before execution started.
  const lapsed = action.status === 'expired';
  const approved = action.decision === 'require_approval' && action.status !== 'denied';
  const live = approved && !lapsed && action.status !== 'cancelled';
  return (
    <div className={live ? 'approval approval-done approved' : 'approval approval-done'} role="status">
      {live ? <ShieldCheck size={18} aria-hidden /> : <Ban size={18} aria-hidden />}
      <p>
        {approved ? 'Approved' : 'Denied'}
        {action.approval_decided_by !== null && (
          <>
            {' by '}
            <strong>
              <SafeText text={action.approval_decided_by} />
            </strong>
          </>
        )}{' '}
        <RelativeTime iso={action.approval_decided_at} />
        {action.approval_reason !== null && (
          <>
            {': '}
            <SafeText text={action.approval_reason} multiline />
          </>
        )}
        {isSelfApproval(action) && (
          <span className="self-approval" data-testid="self-approval">
            Self-approval: decided by the identity that submitted it (a shared token, so duties were not separated).
          </span>
        )}
        {lapsed && action.approval_expires_at !== null && (
          <>
            {' · the approval lapsed: execution did not start before '}
            <RelativeTime iso={action.approval_expires_at} />
          </>
        )}
        {action.status === 'cancelled' && ' · then cancelled before execution started'}
      </p>
    </div>
  );
}

/** Withdrawn while pending: nothing left to decide (who and why are in the event timeline). */
function WithdrawnNote() {
  return (
    <div className="approval approval-done" role="status">
      <CircleSlash size={18} aria-hidden />
      <p>Cancelled by its submitter or an admin before anyone decided; there is nothing left to approve.</p>
    </div>
  );
}

/** The submitter decided its own action: only possible for a shared identity (FARAMESH_TOKEN). */
function isSelfApproval(action: Action): boolean {
  return action.submitted_by !== null && action.submitted_by === action.approval_decided_by;
}
