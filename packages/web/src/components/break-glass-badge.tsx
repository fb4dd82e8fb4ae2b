import type { Action } from '@faramesh/contract';
import { Siren } from 'lucide-react';

/** Marks an action approved by breaking glass, and says whether its review is still open. */
export function BreakGlassBadge({ action }: { action: Action }) {
  const glass = action.break_glass;
  if (glass === undefined || glass === null) return null;
  const open = glass.review.status === 'open';
  return (
    <span
      className={open ? 'badge badge-break-glass badge-break-glass-open' : 'badge badge-break-glass'}
      data-testid="break-glass-badge"
      title={open ? 'Approved by breaking glass; not reviewed yet' : 'Approved by breaking glass; reviewed'}
    >
      <Siren size={14} aria-hidden />
      {open ? 'Break-glass · unreviewed' : 'Break-glass'}
    </span>
  );
}
