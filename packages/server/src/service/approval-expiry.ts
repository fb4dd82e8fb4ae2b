import type { JsonObject } from '@faramesh/contract';
import type { ActionRecord } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';

/**
 * The two deadlines kept in `approval_expires_at`: while `pending_approval`, when the approval window
 * closes (FARAMESH_APPROVAL_TTL from submission); once `approved`, when the approval lapses unless
 * execution has started (FARAMESH_APPROVED_TTL from the approval). Past it the action moves to
 * `expired`, through the same compare-and-set as every other move, so exactly one replica records it.
 */

/** The statuses that expire, and the status they expired from as recorded in the event's `from`. */
export type ExpiringStatus = 'pending_approval' | 'approved';

/** The status `record` would expire from if its deadline has passed at `at`, else null. */
export function dueExpiry(record: ActionRecord, at: string): ExpiringStatus | null {
  if (record.status !== 'pending_approval' && record.status !== 'approved') return null;
  if (record.approval_expires_at === null || record.approval_expires_at > at) return null;
  return record.status;
}

/** When an approval given at `at` lapses; null when FARAMESH_APPROVED_TTL is 0 (never). */
export function approvedDeadline(at: string, ttlSeconds: number): string | null {
  return ttlSeconds > 0 ? new Date(Date.parse(at) + ttlSeconds * 1000).toISOString() : null;
}

/** The `expired` event's meta: why, from which status, and the deadline that passed. */
export function expiryMeta(record: ActionRecord, from: ExpiringStatus): JsonObject {
  if (from === 'approved') {
    return {
      reason: 'execution did not start before the approval lapsed',
      from,
      expires_at: record.approval_expires_at,
      approved_by: record.approval_decided_by,
      approved_at: record.approval_decided_at,
    };
  }
  return { reason: 'no decision before the approval window closed', from, expires_at: record.approval_expires_at };
}

/** 409 `approval_expired` for an expired action, saying which deadline it missed. */
export function approvalExpiredError(record: ActionRecord): ApiError {
  // Only an approval that lapsed has a decision on record: a denial never ends `expired`.
  const lapsed = record.approval_decided_at !== null;
  const message = lapsed
    ? 'the approval of this action lapsed: execution did not start before it expired (FARAMESH_APPROVED_TTL)'
    : 'the approval window of this action has closed';
  return new ApiError('approval_expired', message, {
    expired_at: record.approval_expires_at,
    from: lapsed ? 'approved' : 'pending_approval',
  });
}
