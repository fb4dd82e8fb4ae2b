import type { JsonObject } from '@faramesh/contract';
import { type CompiledPolicy, type Evaluation, redactionPaths, redactRequest } from '@faramesh/policy';
import type { NewAction } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import { type HashedRequest, requestHash } from '../service/request-hash.js';
import type { RedactionKey } from './redaction-key.js';

/** What is kept of a submitted request, and which paths were redacted on the way. */
export interface StoredRequest {
  request: HashedRequest;
  /** Paths that held a value and now hold its digest (empty: stored as sent). */
  redacted: string[];
  /** The id of the key the digests were made with (null when nothing was redacted). */
  keyId: string | null;
  /** sha256 of the stored request when it differs from the one the agent sent; null otherwise. */
  readonly storedHash: string | null;
}

/**
 * The request as it will be stored: the values at the policy's `redact` paths (top level plus the
 * deciding rule's) replaced by keyed digests. Called after the policy decided on the original and
 * after `request_hash` was computed over it, so approvals stay bound to exactly what was asked.
 * Fails closed: a policy that redacts with no key configured stores nothing.
 */
export function storedRequest(
  input: HashedRequest,
  policy: CompiledPolicy,
  verdict: Evaluation,
  key: RedactionKey | null,
): StoredRequest {
  const paths = redactionPaths(policy, verdict);
  if (paths.length === 0) return { request: input, redacted: [], keyId: null, storedHash: null };
  if (key === null) {
    throw new ApiError('policy_unavailable', 'the policy redacts values but FARAMESH_REDACTION_KEY is not set');
  }
  const out = redactRequest(input, paths, (value) => key.digest(value));
  if (out.redacted.length === 0) return { request: input, redacted: [], keyId: null, storedHash: null };
  const request = Object.assign({}, input, { params: out.params as JsonObject, context: out.context as JsonObject });
  // Only an action that waits for approval records it (withStoredHash): hashed on first use.
  let storedHash: string | undefined;
  return {
    request,
    redacted: out.redacted,
    keyId: key.id,
    get storedHash() {
      storedHash ??= requestHash(request);
      return storedHash;
    },
  };
}

/** Records the stored request's own hash in a pending action's approval state, for the binding check. */
export function withStoredHash(action: NewAction, stored: StoredRequest): NewAction {
  // The approval first: `storedHash` hashes the whole stored request on first use, and only an
  // action that waits for approval records it (most redacted submissions don't).
  if (action.approval === undefined || stored.storedHash === null) return action;
  return { ...action, approval: { ...action.approval, stored_request_hash: stored.storedHash } };
}
