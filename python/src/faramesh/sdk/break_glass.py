"""Break-glass: an admin approves past approvers and quorum, with a reason; another person reviews it."""

from __future__ import annotations

from typing import Any, Dict, Optional, cast

from .client_base import Action, ClientBase, quote_id
from .page import Page, page_of
from .wire_types import Review


class BreakGlassCalls(ClientBase):
    """`POST /v1/actions/{id}/break-glass` and the reviews it opens (`/v1/reviews`)."""

    def break_glass(self, action_id: str, reason: str, *, request_hash: Optional[str] = None) -> Action:
        """Approve a pending action at once (admin), past its approvers and quorum, with a non-blank reason
        (at most 2,000 characters). It opens a review someone else must acknowledge.

        The approval is bound to the action's ``request_hash`` (read from the action when not given, so
        ``action_id`` may be a prefix then). Errors: ``PermissionDeniedError`` (``forbidden`` for a
        non-admin, ``self_approval_forbidden`` on your own action, ``approval_token_invalid`` when the
        hash is not the action's), ``BadRequestError`` ``break_glass_reason_required``,
        ``InvalidTransitionError`` when it is not pending, ``ApprovalExpiredError``.
        """
        target = action_id
        if request_hash is None:
            current = dict(self._get(f"/v1/actions/{quote_id(action_id)}"))
            target, request_hash = str(current["id"]), str(current["request_hash"])
        body = {"reason": reason, "request_hash": request_hash}
        return dict(self._post(f"/v1/actions/{quote_id(target)}/break-glass", body))

    def list_reviews(self, status: str = "open", limit: int = 100) -> "Page[Review]":
        """Break-glass approvals to review, newest first: ``open`` (default), ``acknowledged`` or ``all``
        (approver/admin). Each carries its ``action``."""
        return cast("Page[Review]", page_of(self._get("/v1/reviews", {"status": status, "limit": limit})))

    def acknowledge_review(self, action_id: str, note: Optional[str] = None) -> Action:
        """Acknowledge the review of a break-glass approval (full action id). Whoever broke the glass and
        the action's submitter may not (``PermissionDeniedError`` ``self_review_forbidden``); a second
        acknowledgement is ``ConflictError`` ``review_already_acknowledged``; ``NotFoundError``
        ``review_not_found`` when the action has no review. Answers the action."""
        body: Dict[str, Any] = {} if note is None else {"note": note}
        return dict(self._post(f"/v1/reviews/{quote_id(action_id)}/acknowledge", body))


