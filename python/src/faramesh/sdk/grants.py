"""Standing grants: an approval that also allows calls like the approved one, for a while."""

from __future__ import annotations

from typing import Any, Dict, Optional, cast

from .client_base import ClientBase, quote_id
from .page import Page, page_of
from .wire_types import Grant, GrantProposal


class GrantCalls(ClientBase):
    """Read and revoke standing grants (approver/admin). Make one with ``approve(id, grant={...})``."""

    def grant_proposal(self, action_id: str) -> GrantProposal:
        """The scope offered for "also allow calls like this one" (id or prefix): tighten it, then
        ``approve(id, grant={"scope": ..., "ttl": "1h"})``."""
        return cast(GrantProposal, dict(self._get(f"/v1/actions/{quote_id(action_id)}/grant-proposal")))

    def list_grants(
        self,
        state: str = "active",
        limit: int = 100,
        *,
        action_id: Optional[str] = None,
        after: Optional[str] = None,
    ) -> "Page[Grant]":
        """Standing grants, newest first: ``active`` (usable now) or ``all``; ``action_id`` keeps the
        grants one approval made. A list with ``.next_cursor`` (pass it as ``after=``)."""
        query = {"state": state, "limit": limit, "action_id": action_id, "after": after}
        return cast("Page[Grant]", page_of(self._get("/v1/grants", query)))

    def get_grant(self, grant_id: str) -> Grant:
        """One standing grant by id (``NotFoundError`` ``grant_not_found`` when there is none)."""
        return cast(Grant, dict(self._get(f"/v1/grants/{quote_id(grant_id)}")))

    def revoke_grant(self, grant_id: str, reason: Optional[str] = None) -> Grant:
        """Revoke a standing grant now, on every replica; the first revocation stands."""
        body: Dict[str, Any] = {} if reason is None else {"reason": str(reason)[:4096]}
        return cast(Grant, dict(self._post(f"/v1/grants/{quote_id(grant_id)}/revoke", body)))
