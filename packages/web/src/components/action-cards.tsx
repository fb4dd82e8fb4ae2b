import { isDemoAction } from '../actions/demo-action.js';
import { ActionSummary } from './action-summary.js';
import type { ActionListProps } from './action-table.js';
import { BreakGlassBadge } from './break-glass-badge.js';
import { DemoBadge } from './demo-badge.js';
import { RelativeTime } from './relative-time.js';
import { RiskBadge } from './risk-badge.js';
import { SafeText } from './safe-text.js';
import { StatusBadge } from './status-badge.js';

/** The phone view: each action is one large tappable card. */
export function ActionCards({ items, selectedId, onOpen }: ActionListProps) {
  return (
    <ul className="action-cards" aria-label="Actions, newest first">
      {items.map((action) => (
        <li key={action.id} data-action-id={action.id}>
          <button
            type="button"
            className={action.id === selectedId ? 'action-card selected' : 'action-card'}
            data-row-open={action.id}
            onClick={() => onOpen(action.id)}
          >
            <span className="card-top">
              <StatusBadge status={action.status} />
              <RiskBadge risk={action.risk_level} />
              <BreakGlassBadge action={action} />
              {isDemoAction(action) && <DemoBadge />}
            </span>
            <span className="card-title">
              <SafeText text={action.tool} />
              <span className="card-sep" aria-hidden>
                {' · '}
              </span>
              <SafeText text={action.operation} />
            </span>
            <span className="card-summary">
              <ActionSummary action={action} />
            </span>
            <span className="card-meta">
              <SafeText text={action.agent_id} />
              <span aria-hidden> · </span>
              <RelativeTime iso={action.created_at} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
