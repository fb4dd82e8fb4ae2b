import type { RiskLevel } from '@faramesh/contract';
import { RISK_LABELS } from '../actions/status-labels.js';

/** Risk level as a labelled pill; the label carries the meaning, the colour only reinforces it. */
export function RiskBadge({ risk }: { risk: RiskLevel }) {
  return (
    <span className={`badge risk-${risk}`} data-risk={risk}>
      <span className="risk-dots" aria-hidden>
        {risk === 'low' ? '●○○' : risk === 'medium' ? '●●○' : '●●●'}
      </span>
      {RISK_LABELS[risk]}
      <span className="visually-hidden"> risk</span>
    </span>
  );
}
