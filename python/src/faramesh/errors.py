"""Typed errors, rebuilt from the server's stable error codes (packages/contract/src/errors.ts)."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type

# The same table as the server's ERROR_STATUS; tests/test_contract.py fails if the two drift.
ERROR_STATUS: Dict[str, int] = {
    "bad_request": 400,
    "invalid_json": 400,
    "validation_failed": 400,
    "invalid_id": 400,
    "invalid_cursor": 400,
    "body_too_deep": 400,
    "invalid_number": 400,
    "invalid_unicode": 400,
    "unsupported_media_type": 415,
    "payload_too_large": 413,
    "policy_too_large": 413,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "action_not_found": 404,
    "token_not_found": 404,
    "token_name_taken": 409,
    "notification_not_found": 404,
    "notification_not_dead": 409,
    "channel_not_found": 404,
    "channels_invalid": 422,
    "notifications_unavailable": 501,
    "email_link_invalid": 401,
    "email_link_expired": 401,
    "email_link_used": 403,
    "email_link_wrong_identity": 403,
    "slack_signature_invalid": 401,
    "grant_invalid": 400,
    "grant_ttl_too_long": 400,
    "grant_forbidden": 403,
    "grant_not_endorsed": 409,
    "grant_not_found": 404,
    "ambiguous_prefix": 409,
    "invalid_transition": 409,
    "version_conflict": 409,
    "idempotency_conflict": 409,
    "approval_token_invalid": 403,
    "approval_expired": 409,
    "self_approval_forbidden": 403,
    "not_an_approver": 403,
    "already_approved": 409,
    "agent_id_not_allowed": 403,
    "host_not_allowed": 421,
    "csrf_token_invalid": 403,
    "sso_login_failed": 400,
    "sso_no_role": 403,
    "sso_unavailable": 503,
    "shadow_policy_not_set": 404,
    "shadow_policy_changed": 409,
    "shadow_policy_from_file": 409,
    "policy_file_changed": 409,
    "policy_file_not_writable": 409,
    "break_glass_reason_required": 400,
    "review_not_found": 404,
    "review_already_acknowledged": 409,
    "self_review_forbidden": 403,
    "action_redacted": 409,
    "method_not_allowed": 405,
    "rate_limited": 429,
    "policy_invalid": 422,
    "policy_too_complex": 422,
    "policy_unavailable": 503,
    "store_unavailable": 503,
    "not_ready": 503,
    "server_busy": 503,
    "ledger_inconsistent": 503,
    "archive_not_configured": 501,
    "archive_in_progress": 409,
    "archive_conflict": 409,
    "archive_dir_unusable": 500,
    "internal_error": 500,
}


class FarameshError(Exception):
    """Base of every error the SDK raises: a stable `code`, the HTTP `status` (if any) and `details`."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "error",
        status: Optional[int] = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.details = details

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


# --- errors the server answered with -------------------------------------------------------------


class BadRequestError(FarameshError):
    """The request was malformed or failed validation (400, 413, 415, 405), or named a Host the
    server doesn't answer to (421 `host_not_allowed`)."""


class ValidationError(BadRequestError):
    """`validation_failed`: `details` lists `{path, message}` problems."""


class InvalidIdError(BadRequestError):
    """`invalid_id`: neither a UUID nor a 4+ hex-character prefix."""


class AuthenticationError(FarameshError):
    """`unauthorized`: no token, or an unknown one."""


class PermissionDeniedError(FarameshError):
    """The token may not do this (`forbidden`, `self_approval_forbidden`, `not_an_approver`, `agent_id_not_allowed`)."""


class ApprovalTokenInvalidError(PermissionDeniedError):
    """`approval_token_invalid`: the approval token is wrong or already used."""


class NotFoundError(FarameshError):
    """`not_found` / `action_not_found`."""


class ConflictError(FarameshError):
    """The action's state does not allow this (`invalid_transition`, `version_conflict`, `approval_expired`)."""


class InvalidTransitionError(ConflictError):
    """`invalid_transition`: the lifecycle table forbids this move."""


class AmbiguousPrefixError(ConflictError):
    """`ambiguous_prefix`: `candidates` lists the actions the prefix matched."""

    @property
    def candidates(self) -> list[Any]:
        if isinstance(self.details, Mapping):
            found = self.details.get("candidates")
            if isinstance(found, list):
                return found
        return []


class ApprovalExpiredError(ConflictError):
    """`approval_expired`: the approval window closed before a decision, or the approval lapsed before
    execution started (`FARAMESH_APPROVED_TTL`); `details["from"]` says which."""


class IdempotencyConflictError(ConflictError):
    """`idempotency_conflict`: the Idempotency-Key was already used with a different request."""


class RateLimitedError(FarameshError):
    """`rate_limited` (429)."""


class PolicyInvalidError(FarameshError):
    """`policy_invalid` (422): `details` carries the diagnostics; the previous policy stays active."""


class ServiceUnavailableError(FarameshError):
    """The server is up but cannot decide right now (`store_unavailable`, `policy_unavailable`, `not_ready`,
    `server_busy`)."""


class ServerError(FarameshError):
    """`internal_error` or an unexpected 5xx."""


# --- errors on the way to the server --------------------------------------------------------------


class FarameshConnectionError(FarameshError, ConnectionError):
    """The server could not be reached; `url` names the address that was tried."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach Faramesh at {url}: {reason}", code="connection_error")
        self.url = url


class FarameshTimeoutError(FarameshError, TimeoutError):
    """The server did not answer within the client's timeout."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(f"Faramesh at {url} did not answer within {timeout:g}s", code="timeout")
        self.url = url
        self.timeout = timeout


# --- governance outcomes: the tool must not run ---------------------------------------------------


class GovernanceError(FarameshError, PermissionError):
    """The action may not run. `action` is the action as the server last reported it (if known)."""

    def __init__(self, message: str, *, code: str, action: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message, code=code, details=dict(action) if action else None)
        self.action: Optional[Dict[str, Any]] = dict(action) if action else None

    @property
    def action_id(self) -> Optional[str]:
        return None if self.action is None else str(self.action.get("id"))


class ActionDeniedError(GovernanceError):
    """The policy or an approver denied the action (`action_denied`)."""


class ActionExpiredError(GovernanceError):
    """Nobody decided before the approval expired; expiry means deny (`action_expired`)."""


class ActionCancelledError(GovernanceError):
    """The action was withdrawn (`cancelled`) by its submitter or an admin before it ran (`action_cancelled`)."""


class ApprovalTimeoutError(GovernanceError, TimeoutError):
    """The client stopped waiting while the action was still pending (`approval_timeout`)."""


class ActionNotRunnableError(GovernanceError):
    """The action is in a state that may not be executed (again), e.g. already succeeded."""


class ArgumentsChangedError(GovernanceError):
    """The call's arguments changed after they were submitted (`arguments_changed`): its Idempotency-Key
    was used for other arguments, and a decision covers the submitted ones only."""


# Every code of ERROR_STATUS, so a new server code without a class here fails tests/test_contract.py.
CODE_CLASSES: Dict[str, Type[FarameshError]] = {
    "bad_request": BadRequestError,
    "invalid_json": BadRequestError,
    "invalid_cursor": BadRequestError,
    "body_too_deep": BadRequestError,
    "invalid_number": BadRequestError,
    "invalid_unicode": BadRequestError,
    "unsupported_media_type": BadRequestError,
    "payload_too_large": BadRequestError,
    "policy_too_large": BadRequestError,
    "method_not_allowed": BadRequestError,
    "email_link_invalid": AuthenticationError,
    "email_link_expired": AuthenticationError,
    "email_link_used": PermissionDeniedError,
    "email_link_wrong_identity": PermissionDeniedError,
    "csrf_token_invalid": PermissionDeniedError,
    "sso_login_failed": BadRequestError,
    "sso_no_role": PermissionDeniedError,
    "sso_unavailable": ServiceUnavailableError,
    "validation_failed": ValidationError,
    "invalid_id": InvalidIdError,
    "unauthorized": AuthenticationError,
    "forbidden": PermissionDeniedError,
    "self_approval_forbidden": PermissionDeniedError,
    "not_an_approver": PermissionDeniedError,
    "already_approved": ConflictError,
    "agent_id_not_allowed": PermissionDeniedError,
    "host_not_allowed": BadRequestError,
    "approval_token_invalid": ApprovalTokenInvalidError,
    "not_found": NotFoundError,
    "action_not_found": NotFoundError,
    "token_not_found": NotFoundError,
    "token_name_taken": ConflictError,
    "notification_not_found": NotFoundError,
    "notification_not_dead": ConflictError,
    "channel_not_found": NotFoundError,
    "channels_invalid": ValidationError,
    "notifications_unavailable": ServiceUnavailableError,
    "slack_signature_invalid": AuthenticationError,
    "grant_invalid": ValidationError,
    "grant_ttl_too_long": ValidationError,
    "grant_forbidden": PermissionDeniedError,
    "grant_not_endorsed": ConflictError,
    "grant_not_found": NotFoundError,
    "ambiguous_prefix": AmbiguousPrefixError,
    "invalid_transition": InvalidTransitionError,
    "version_conflict": ConflictError,
    "approval_expired": ApprovalExpiredError,
    "idempotency_conflict": IdempotencyConflictError,
    "shadow_policy_not_set": NotFoundError,
    "shadow_policy_changed": ConflictError,
    "shadow_policy_from_file": ConflictError,
    "policy_file_changed": ConflictError,
    "policy_file_not_writable": ConflictError,
    "rate_limited": RateLimitedError,
    "policy_invalid": PolicyInvalidError,
    "policy_too_complex": PolicyInvalidError,
    "policy_unavailable": ServiceUnavailableError,
    "store_unavailable": ServiceUnavailableError,
    "not_ready": ServiceUnavailableError,
    "server_busy": ServiceUnavailableError,
    "ledger_inconsistent": ServiceUnavailableError,
    "archive_not_configured": ServiceUnavailableError,
    "archive_in_progress": ConflictError,
    "archive_conflict": ConflictError,
    "archive_dir_unusable": ServerError,
    "break_glass_reason_required": BadRequestError,
    "review_not_found": NotFoundError,
    "review_already_acknowledged": ConflictError,
    "self_review_forbidden": PermissionDeniedError,
    "action_redacted": ConflictError,
    "internal_error": ServerError,
}


def error_class_for(code: str, status: int) -> Type[FarameshError]:
    """The class for a server error code; unknown codes fall back on the HTTP status family."""
    known = CODE_CLASSES.get(code)
    if known is not None:
        return known
    if status in (400, 405, 413, 415):
        return BadRequestError
    if status == 401:
        return AuthenticationError
    if status == 403:
        return PermissionDeniedError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if status == 429:
        return RateLimitedError
    if status == 503:
        return ServiceUnavailableError
    if status >= 500:
        return ServerError
    return FarameshError


def error_from_response(status: int, body: Any) -> FarameshError:
    """Rebuild the typed error from an `{"error": {code, message, details}}` body (or anything else)."""
    code = "http_error"
    message = f"HTTP {status}"
    details: Any = None
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        err = body["error"]
        code = str(err.get("code") or code)
        message = str(err.get("message") or message)
        details = err.get("details")
    elif isinstance(body, str) and body:
        message = f"HTTP {status}: {body[:200]}"
    cls = error_class_for(code, status)
    return cls(message, code=code, status=status, details=details)
