import type { ActionEvent } from '@faramesh/contract';
import { EVENT_LABELS } from '../actions/status-labels.js';
import { formatAbsolute } from '../text/format-time.js';
import { escalationSummary } from './quorum-progress.js';
import { SafeText } from './safe-text.js';

/** The action's audit ledger, oldest first, with each event's metadata (reason, error, who). */
export function EventTimeline({ events }: { events: ActionEvent[] }) {
  if (events.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className="timeline" aria-label="Event timeline">
      {events.map((event) => (
        <li key={event.id} className={`timeline-item event-${event.event_type}`} data-event-type={event.event_type}>
          <span className="timeline-dot" aria-hidden />
          <div className="timeline-body">
            <div className="timeline-head">
              <strong>
                {EVENT_LABELS[event.event_type] ?? event.event_type}
                {event.meta.self_approval === true && <span className="self-approval-badge">self-approval</span>}
              </strong>
              <time dateTime={event.created_at}>{formatAbsolute(event.created_at)}</time>
            </div>
            {escalationSummary(event) !== null && (
              <p className="timeline-summary">
                <SafeText text={escalationSummary(event) ?? ''} />
              </p>
            )}
            <MetaList meta={event.meta} />
          </div>
        </li>
      ))}
    </ol>
  );
}

function MetaList({ meta }: { meta: Record<string, unknown> }) {
  const entries = Object.entries(meta).filter(([, value]) => value !== null && value !== undefined && value !== '');
  if (entries.length === 0) return null;
  return (
    <dl className="meta-list">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>
            <SafeText text={key} />
          </dt>
          <dd>
            <SafeText text={typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))} multiline />
          </dd>
        </div>
      ))}
    </dl>
  );
}
