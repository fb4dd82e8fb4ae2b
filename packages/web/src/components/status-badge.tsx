import type { Status } from '@faramesh/contract';
import { Ban, CircleCheck, CircleSlash, CircleX, Clock, LoaderCircle, Play, ShieldCheck, TimerOff } from 'lucide-react';
import type { ComponentType } from 'react';
import { STATUS_LABELS } from '../actions/status-labels.js';

const ICONS: Readonly<Record<Status, ComponentType<{ size?: number; 'aria-hidden'?: boolean }>>> = {
  allowed: Play,
  denied: Ban,
  pending_approval: Clock,
  approved: ShieldCheck,
  executing: LoaderCircle,
  succeeded: CircleCheck,
  failed: CircleX,
  expired: TimerOff,
  cancelled: CircleSlash,
};

/** A status as text plus icon (never colour alone, for colour-blind approvers). */
export function StatusBadge({ status }: { status: Status }) {
  const Icon = ICONS[status];
  return (
    <span className={`badge status-${status}`} data-status={status}>
      <Icon size={14} aria-hidden />
      {STATUS_LABELS[status]}
    </span>
  );
}
