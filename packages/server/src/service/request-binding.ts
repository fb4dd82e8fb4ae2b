import type { ActionRecord } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import { requestHash } from './request-hash.js';

/**
 * A decision binds to one exact request: the stored request must still hash to what was recorded
 * when it was decided (its `request_hash`, or with redacted values the stored form's own hash), and
 * a `request_hash` the decider presents must be the action's. 403 `approval_token_invalid` otherwise.
 */
export function assertRequestBinding(record: ActionRecord, presented: string | undefined): void {
  const expected = record.approval?.stored_request_hash ?? record.request_hash;
  if (requestHash(record) !== expected || (presented !== undefined && presented !== record.request_hash)) {
    throw new ApiError('approval_token_invalid', 'the approval is not for this exact request', {
      request_hash: record.request_hash,
    });
  }
}
