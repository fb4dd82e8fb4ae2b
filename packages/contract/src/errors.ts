/**
 * Stable error codes of the HTTP contract, the same in every SDK, with the status each maps to.
 * The body is always `{"error": {"code", "message", "details"}}`.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  invalid_id: 400,
  invalid_cursor: 400,
  body_too_deep: 400,
  invalid_number: 400,
  invalid_unicode: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  policy_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  action_not_found: 404,
  ambiguous_prefix: 409,
  invalid_transition: 409,
  version_conflict: 409,
  idempotency_conflict: 409,
  approval_token_invalid: 403,
  approval_expired: 409,
  self_approval_forbidden: 403,
  /** The caller is not among the approvers the action's rule names (details: who may). */
  not_an_approver: 403,
  /** The caller already approved this action; each identity counts once. */
  already_approved: 409,
  agent_id_not_allowed: 403,
  /** No database token has that id (or, for revocation, that name among tokens not revoked). */
  token_not_found: 404,
  /** The name belongs to an environment token or to a database token that isn't revoked. */
  token_name_taken: 409,
  host_not_allowed: 421,
  /** A cookie-authenticated (dashboard session) write without the session's X-Faramesh-CSRF token. */
  csrf_token_invalid: 403,
  /** Single sign-on: the provider sent the person back with an error, or the login state didn't match. */
  sso_login_failed: 400,
  /** Single sign-on: the person signed in, but none of their groups is mapped to a role. */
  sso_no_role: 403,
  /** Single sign-on: the identity provider can't be reached (discovery is retried in the background). */
  sso_unavailable: 503,
  /** No outbox notification has that id. */
  notification_not_found: 404,
  /** Only a dead (dead-lettered) notification can be re-driven. */
  notification_not_dead: 409,
  /** No notification channel has that name (details: the configured names). */
  channel_not_found: 404,
  /** The storage backend has no notification outbox. */
  notifications_unavailable: 501,
  /** A standing grant's scope, duration, uses or flags are not acceptable (details: each problem). */
  grant_invalid: 400,
  /** The grant would last longer than FARAMESH_GRANT_MAX_TTL (details: max_seconds). */
  grant_ttl_too_long: 400,
  /** The caller's role may not make this grant (a high-risk grant needs an admin). */
  grant_forbidden: 403,
  /** With a quorum, every approver must send the same grant scope; the earlier approvals didn't. */
  grant_not_endorsed: 409,
  /** No standing grant has that id. */
  grant_not_found: 404,
  method_not_allowed: 405,
  rate_limited: 429,
  policy_invalid: 422,
  policy_too_complex: 422,
  policy_unavailable: 503,
  store_unavailable: 503,
  not_ready: 503,
  server_busy: 503,
  /** The ledger failed its consistency checks: writes are refused until an operator recovers it. */
  ledger_inconsistent: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details: unknown;
  };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
