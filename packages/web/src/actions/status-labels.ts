import type { Decision, EventType, RiskLevel, Status } from '@faramesh/contract';

export const STATUS_LABELS: Readonly<Record<Status, string>> = {
  allowed: 'Allowed',
  denied: 'Denied',
  pending_approval: 'Pending approval',
  approved: 'Approved',
  executing: 'Executing',
  succeeded: 'Succeeded',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

export const RISK_LABELS: Readonly<Record<RiskLevel, string>> = { low: 'Low', medium: 'Medium', high: 'High' };

export const DECISION_LABELS: Readonly<Record<Decision, string>> = {
  allow: 'Allow',
  deny: 'Deny',
  require_approval: 'Require approval',
};

export const EVENT_LABELS: Readonly<Record<EventType, string>> = {
  created: 'Created',
  decision_made: 'Policy decision',
  approved: 'Approved',
  denied: 'Denied',
  started: 'Execution started',
  succeeded: 'Succeeded',
  failed: 'Failed',
  expired: 'Approval expired',
  cancelled: 'Cancelled',
  approval_recorded: 'Approval recorded',
  escalated: 'Escalated',
  break_glass_reviewed: 'Break-glass reviewed',
  grant_created: 'Standing grant made',
  grant_used: 'Allowed by a standing grant',
  grant_revoked: 'Standing grant revoked',
  grant_expired: 'Standing grant expired',
};
