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
  /** A reload found FARAMESH_CHANNELS_FILE invalid, or removing a channel the policy names: the last good channels stay. */
  channels_invalid: 422,
  /** No notification channel has that name (details: the configured names). */
  channel_not_found: 404,
  /** The storage backend has no notification outbox. */
  notifications_unavailable: 501,
  /** An email approval link that is malformed, forged (bad signature) or for a channel no longer configured. */
  email_link_invalid: 401,
  /** An email approval link past its lifetime (`link_ttl_seconds`). */
  email_link_expired: 401,
  /** An email approval link already used (its Approve and Deny links share one use). */
  email_link_used: 403,
  /** An email approval link opened by someone signed in as another identity than its recipient. */
  email_link_wrong_identity: 403,
  /** A Slack interaction whose signature is missing, wrong, outside the 5-minute window or replayed. */
  slack_signature_invalid: 401,
  /** No shadow policy is set (promote, report without `policy_hash`). */
  shadow_policy_not_set: 404,
  /** The shadow policy is not the one the caller expected (`expected_hash`): it changed meanwhile. */
  shadow_policy_changed: 409,
  /** The shadow policy comes from FARAMESH_SHADOW_POLICY: change it by editing that file. */
  shadow_policy_from_file: 409,
  /** The active policy file differs from the policy the server runs (edited since it was loaded). */
  policy_file_changed: 409,
  /** The active policy file (or its directory) can't be written, so the shadow policy can't be promoted. */
  policy_file_not_writable: 409,
  /** Breaking glass needs a non-blank reason (at most 2,000 characters). */
  break_glass_reason_required: 400,
  /** The action has no break-glass review. */
  review_not_found: 404,
  /** The break-glass review was already acknowledged (details: by whom, when). */
  review_already_acknowledged: 409,
  /** Whoever broke the glass, or the action's submitter, may not acknowledge its review. */
  self_review_forbidden: 403,
  /** The action's stored request has redacted values, so it can't be submitted again as it was. */
  action_redacted: 409,
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
  /** Archiving through the API needs FARAMESH_ARCHIVE_DIR (and a SQLite or PostgreSQL database). */
  archive_not_configured: 501,
  /** Another archive of this ledger is running (details: who holds the lock). */
  archive_in_progress: 409,
  /** The ledger changed under the archive (another archive committed first): nothing was removed; run it again. */
  archive_conflict: 409,
  /** The archive directory can't be created or written (a file in the way, permissions); details name the dir and the OS code. */
  archive_dir_unusable: 500,
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
