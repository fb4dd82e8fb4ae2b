import type { Action } from '@faramesh/contract';
import { isDemoAction } from '../actions/demo-action.js';
import { ActionSummary } from './action-summary.js';
import { BreakGlassBadge } from './break-glass-badge.js';
import { DemoBadge } from './demo-badge.js';
import { RelativeTime } from './relative-time.js';
import { RiskBadge } from './risk-badge.js';
import { SafeText } from './safe-text.js';
import { StatusBadge } from './status-badge.js';

export interface ActionListProps {
  items: Action[];
  selectedId: string | null;
  onOpen: (id: string) => void;
}

/** The wide-screen view: one row per action; the tool cell is the keyboard entry to the drawer. */
export function ActionTable({ items, selectedId, onOpen }: ActionListProps) {
  return (
    <table className="action-table">
      <caption className="visually-hidden">Actions, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Risk</th>
          <th scope="col">Tool</th>
          <th scope="col">Operation</th>
          <th scope="col" className="col-summary">
            Summary
          </th>
          <th scope="col">Agent</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      <tbody>
        {items.map((action) => (
          <tr
            key={action.id}
            data-action-id={action.id}
            className={action.id === selectedId ? 'selected' : undefined}
            aria-selected={action.id === selectedId}
            onClick={() => onOpen(action.id)}
          >
            <td>
              <StatusBadge status={action.status} />
              <BreakGlassBadge action={action} />
            </td>
            <td>
              <RiskBadge risk={action.risk_level} />
            </td>
            <td className="cell-tool">
              <button
                type="button"
                className="row-open"
                data-row-open={action.id}
                onClick={(event) => {
                  event.stopPropagation();
                  onOpen(action.id);
                }}
              >
                <SafeText text={action.tool} />
                <span className="visually-hidden"> {action.operation}, open details</span>
              </button>
              {isDemoAction(action) && <DemoBadge />}
            </td>
            <td className="cell-mono">
              <SafeText text={action.operation} />
            </td>
            <td className="cell-mono cell-summary">
              <ActionSummary action={action} />
            </td>
            <td className="cell-mono">
              <SafeText text={action.agent_id} />
            </td>
            <td className="cell-time">
              <RelativeTime iso={action.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
