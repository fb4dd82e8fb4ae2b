import type { Action, GrantRequest } from '@faramesh/contract';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';

export interface ClientOptions {
  /** Default: FARAMESH_BASE_URL, then http://127.0.0.1:8000. */
  baseUrl?: string;
  /** Bearer token. Default: FARAMESH_TOKEN (its first entry when comma-separated). */
  token?: string | null;
  /** Per-request timeout. Default 30 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for retryable requests (GETs, keyed submits). Default 2. */
  retries?: number;
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request (e.g. a user-agent). */
  headers?: Record<string, string>;
  /** Waits between retries; tests inject an instant one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface SubmitOptions extends CallOptions {
  /** Reuse a key to make a retried submission a no-op on the server. Default: a new random UUID. */
  idempotencyKey?: string;
}

export interface ApprovalOptions extends CallOptions {
  /** The action's approval_token; fetched with getAction when omitted. */
  token?: string;
  reason?: string;
  /** Approvals only: also allow calls like this one for a while (a standing grant). */
  grant?: GrantRequest;
}

export interface CancelOptions extends CallOptions {
  /** Why the action is no longer needed; recorded in the `cancelled` event. */
  reason?: string;
}

export interface BreakGlassOptions extends CallOptions {
  /** Why this can't wait for the approvers (required, not blank); recorded in the ledger. */
  reason: string;
  /**
   * The request_hash the approval is for. Default: the action's as read just before, so the
   * approval binds to the request you saw; pass the one you checked to be exact.
   */
  requestHash?: string;
}

export interface WaitOptions extends CallOptions {
  /** Total time to wait for a decision. Default 300 000 ms. */
  timeoutMs?: number;
  /**
   * Called with the still-pending action each time its approval progress changes (an approval of
   * a quorum recorded, an escalation step fired): `approvals`, `approvals_required`,
   * `waiting_for`, `escalation_step`. Waiting still resolves only on the final decision.
   */
  onProgress?: (action: Action) => void;
}
