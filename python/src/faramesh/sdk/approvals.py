"""A person's decision on a pending action: approve (optionally with a standing grant) or deny."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ..errors import PermissionDeniedError
from .client_base import Action, ClientBase, quote_id


class ApprovalCalls(ClientBase):
    """Approve and deny (approver/admin tokens; agents never see approval tokens)."""

    def approve(
        self,
        action_id: str,
        token: Optional[str] = None,
        reason: Optional[str] = None,
        grant: Optional[Mapping[str, Any]] = None,
    ) -> Action:
        """Approve a pending action (approver/admin token). The approval token is fetched when not given.

        ``grant`` also allows calls like this one for a while (a standing grant):
        ``{"scope": {...}, "ttl": "2h", "max_uses": 5, "high_risk": False}`` (``scope`` and ``ttl``
        required; ``grant_proposal(id)`` offers a scope; see docs/api.md "Standing grants").
        """
        return self._decide(action_id, True, token, reason, grant)

    def deny(self, action_id: str, token: Optional[str] = None, reason: Optional[str] = None) -> Action:
        """Deny a pending action (approver/admin token)."""
        return self._decide(action_id, False, token, reason)

    def _decide(
        self,
        action_id: str,
        approve: bool,
        token: Optional[str],
        reason: Optional[str],
        grant: Optional[Mapping[str, Any]] = None,
    ) -> Action:
        current = dict(self._get(f"/v1/actions/{quote_id(action_id)}"))
        token = token or current.get("approval_token")
        if not token:
            raise PermissionDeniedError(
                "no approval token: pass token=, or use an approver/admin client (agents never see approval tokens)",
                code="approval_token_missing",
            )
        body: Dict[str, Any] = {"token": token, "approve": approve, "request_hash": current["request_hash"]}
        if reason is not None:
            body["reason"] = reason
        if grant is not None:
            body["grant"] = dict(grant)
        return dict(self._post(f"/v1/actions/{quote_id(current['id'])}/approval", body))
