import type { Notification } from '@faramesh/contract';
import { CircleCheck, CircleX, Clock, RotateCw } from 'lucide-react';
import { type ComponentType, useState } from 'react';
import { RelativeTime } from './relative-time.js';
import { SafeText } from './safe-text.js';

const STATES: Readonly<
  Record<Notification['state'], { label: string; Icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }> }>
> = {
  queued: { label: 'Queued', Icon: Clock },
  retrying: { label: 'Retrying', Icon: RotateCw },
  delivered: { label: 'Delivered', Icon: CircleCheck },
  dead: { label: 'Dead', Icon: CircleX },
};

const EVENT_LABELS: Readonly<Record<string, string>> = {
  created: 'submitted',
  decision_made: 'decision',
  approved: 'approved',
  denied: 'denied',
  approval_recorded: 'approval recorded',
  escalated: 'escalated',
  expired: 'expired',
  test: 'test message',
};

/**
 * Each notification of an action: which channel, why it was sent, and where delivery stands (with the
 * last error while retrying or dead). Errors come from receivers and are shown as untrusted text.
 */
export function DeliveryList({
  items,
  error,
  onRetry,
}: {
  items: Notification[] | null;
  error: string | null;
  /** Given to admins: re-drives a dead notification. */
  onRetry?: ((id: string) => Promise<void>) | undefined;
}) {
  if (error !== null && items === null) return <p className="muted">Delivery state is unavailable: {error}</p>;
  if (items === null) return <p className="muted">Loading delivery state…</p>;
  if (items.length === 0) return <p className="muted">No notifications were sent for this action.</p>;
  return (
    <ul className="delivery-list" data-testid="delivery-list">
      {items.map((item) => {
        const { label, Icon } = STATES[item.state];
        return (
          <li key={item.id} className="delivery-item" data-notification-id={item.id} data-state={item.state}>
            <span className={`badge delivery-${item.state}`}>
              <Icon size={14} aria-hidden />
              {label}
            </span>{' '}
            <strong>
              <SafeText text={item.channel} />
            </strong>
            <span className="muted"> · {EVENT_LABELS[item.event_type] ?? item.event_type}</span>
            <span className="muted">
              {' '}
              · {item.attempts} {item.attempts === 1 ? 'attempt' : 'attempts'}
            </span>
            {item.state === 'delivered' && item.delivered_at !== null && (
              <span className="muted">
                {' '}
                · <RelativeTime iso={item.delivered_at} />
              </span>
            )}
            {item.state === 'retrying' && item.next_attempt_at !== null && (
              <span className="muted">
                {' '}
                · next try <RelativeTime iso={item.next_attempt_at} />
              </span>
            )}
            {item.last_error !== null && item.state !== 'delivered' && (
              <div className="delivery-error" data-last-error>
                Last error: <SafeText text={item.last_error} />
              </div>
            )}
            {item.state === 'dead' && onRetry !== undefined && <RetryButton onRetry={() => onRetry(item.id)} />}
          </li>
        );
      })}
    </ul>
  );
}

function RetryButton({ onRetry }: { onRetry: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const retry = () => {
    setBusy(true);
    setFailed(null);
    onRetry().then(
      () => setBusy(false),
      (caught: unknown) => {
        setBusy(false);
        setFailed(caught instanceof Error ? caught.message : String(caught));
      },
    );
  };
  return (
    <div className="delivery-retry">
      <button type="button" className="button button-ghost" onClick={retry} disabled={busy}>
        {busy ? 'Re-driving…' : 'Retry delivery'}
      </button>
      {failed !== null && (
        <span className="field-error" role="alert">
          {' '}
          Could not re-drive: {failed}
        </span>
      )}
    </div>
  );
}
