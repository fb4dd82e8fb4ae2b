import type { Decision } from '@faramesh/contract';
import { Ban, Clock, Play } from 'lucide-react';
import { DECISION_LABELS } from '../actions/status-labels.js';

/** A policy decision (allow / deny / require approval), used by the playground's result. */
export function DecisionBadge({ decision }: { decision: Decision }) {
  const Icon = decision === 'allow' ? Play : decision === 'deny' ? Ban : Clock;
  return (
    <span className={`badge badge-large decision-${decision}`} data-decision={decision}>
      <Icon size={16} aria-hidden />
      {DECISION_LABELS[decision] ?? decision}
    </span>
  );
}
