import { type Action, revealInvisible } from '@faramesh/contract';
import { Siren, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { Whoami } from '../api/faramesh-api.js';
import { canDecide, useSession } from '../auth/session-context.js';
import { useLive } from '../live/live-context.js';
import { RelativeTime } from './relative-time.js';
import { SafeText } from './safe-text.js';

/**
 * Break-glass in the drawer: for admins, a dangerous control (opened on purpose, then confirmed) that
 * approves a pending action past its approvers and quorum; for everyone, what happened when glass was
 * broken and the state of its mandatory review, which another approver acknowledges here.
 */
export function BreakGlassPanel({ action, me }: { action: Action; me: Whoami }) {
  if (action.break_glass !== undefined && action.break_glass !== null)
    return <BreakGlassReview action={action} me={me} />;
  if (action.status !== 'pending_approval' || me.role !== 'admin') return null;
  const own = action.submitted_by !== null && action.submitted_by === me.name && me.shared_identity !== true;
  return own ? null : <BreakGlassControl action={action} />;
}

function BreakGlassControl({ action }: { action: Action }) {
  const { api } = useSession();
  const { publish } = useLive();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <div className="break-glass-closed">
        <button type="button" className="button button-danger-outline" onClick={() => setOpen(true)}>
          <Siren size={16} aria-hidden />
          Break glass…
        </button>
      </div>
    );
  }
  // A reason must say something a person can read: zero-width and other hidden characters don't
  // (the server refuses such a reason too: break_glass_reason_required).
  const readable = revealInvisible(reason).some((piece) => piece.kind === 'text' && piece.text.trim() !== '');
  const ready = readable && understood && !busy;
  const confirm = async () => {
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      publish(await api.breakGlass(action, reason.trim()));
    } catch (caught) {
      setError(caught instanceof ApiError ? `${caught.message} (${caught.code})` : String(caught));
      api.getAction(action.id).then(publish, () => undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="break-glass" aria-labelledby="break-glass-title" data-testid="break-glass-form">
      <h3 id="break-glass-title" className="break-glass-title">
        <TriangleAlert size={18} aria-hidden /> Break glass
      </h3>
      <p>
        This approves the action <strong>now</strong>, past its approvers and quorum. It is recorded in the ledger as a
        break-glass approval under your name, and a review opens that another approver must acknowledge.
      </p>
      <label htmlFor="break-glass-reason" className="field-label">
        Reason <span className="muted">(required: why this can't wait for the approvers)</span>
      </label>
      <textarea
        id="break-glass-reason"
        rows={2}
        maxLength={2000}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        onKeyDown={(event) => event.stopPropagation()}
      />
      <label className="break-glass-confirm">
        <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} />I
        understand this bypasses the approvers and opens a mandatory review
      </label>
      {error !== null && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="break-glass-buttons">
        <button type="button" className="button button-danger" disabled={!ready} onClick={() => void confirm()}>
          {busy ? 'Breaking glass…' : 'Break glass and approve'}
        </button>
        <button type="button" className="button button-ghost" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function BreakGlassReview({ action, me }: { action: Action; me: Whoami }) {
  const { api } = useSession();
  const { publish } = useLive();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const glass = action.break_glass as NonNullable<Action['break_glass']>;
  const { review } = glass;
  const involved = me.shared_identity !== true && (me.name === glass.by || me.name === action.submitted_by);
  const mayAcknowledge = review.status === 'open' && canDecide(me) && !involved;
  const acknowledge = async () => {
    setBusy(true);
    setError(null);
    try {
      publish(await api.acknowledgeReview(action.id, note));
    } catch (caught) {
      setError(caught instanceof ApiError ? `${caught.message} (${caught.code})` : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section
      className="break-glass break-glass-done"
      aria-labelledby="break-glass-review-title"
      data-testid="break-glass-review"
    >
      <h3 id="break-glass-review-title" className="break-glass-title">
        <Siren size={18} aria-hidden /> Approved by breaking glass
      </h3>
      <p>
        <strong>
          <SafeText text={glass.by} />
        </strong>{' '}
        <RelativeTime iso={glass.at} />: <SafeText text={glass.reason} multiline />
      </p>
      {review.status === 'acknowledged' ? (
        <p data-testid="review-acknowledged">
          Reviewed by{' '}
          <strong>
            <SafeText text={review.acknowledged_by ?? '?'} />
          </strong>{' '}
          {review.acknowledged_at !== null && <RelativeTime iso={review.acknowledged_at} />}
          {review.note !== null && (
            <>
              {': '}
              <SafeText text={review.note} multiline />
            </>
          )}
        </p>
      ) : (
        <p className="break-glass-open" role="note">
          Review open: another approver must acknowledge it
          {involved ? ' (not you: you broke the glass or submitted it)' : ''}.
        </p>
      )}
      {mayAcknowledge && (
        <>
          <label htmlFor="review-note" className="field-label">
            Note <span className="muted">(optional, recorded in the ledger)</span>
          </label>
          <textarea
            id="review-note"
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(event) => setNote(event.target.value)}
            onKeyDown={(event) => event.stopPropagation()}
          />
          {error !== null && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <button type="button" className="button" disabled={busy} onClick={() => void acknowledge()}>
            {busy ? 'Acknowledging…' : 'Acknowledge review'}
          </button>
        </>
      )}
    </section>
  );
}
