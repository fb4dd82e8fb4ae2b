"""Database tokens: created, listed and revoked through the API (admin), every replica honouring them."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, cast

from .client_base import ClientBase, quote_id
from .page import Page, page_of
from .wire_types import ApiToken


class TokenCalls(ClientBase):
    """`/v1/tokens` (admin)."""

    def create_token(
        self,
        name: str,
        role: str,
        *,
        groups: Optional[List[str]] = None,
        agent_ids: Optional[List[str]] = None,
        expires_in: Optional[str] = None,
    ) -> ApiToken:
        """Create a database token. The answer carries its ``secret`` this once: hand it over and keep it
        nowhere else. ``ConflictError`` ``token_name_taken`` when the name is in use. Never retried."""
        body: Dict[str, Any] = {"name": name, "role": role}
        if groups is not None:
            body["groups"] = list(groups)
        if agent_ids is not None:
            body["agent_ids"] = list(agent_ids)
        if expires_in is not None:
            body["expires_in"] = expires_in
        return cast(ApiToken, dict(self._post("/v1/tokens", body)))

    def list_tokens(self, limit: int = 100, *, after: Optional[str] = None) -> "Page[ApiToken]":
        """Database tokens, oldest first, without secrets; a list with ``.next_cursor`` (pass as ``after=``)."""
        return cast("Page[ApiToken]", page_of(self._get("/v1/tokens", {"limit": limit, "after": after})))

    def get_token(self, ref: str) -> ApiToken:
        """A token by id, or by name while it isn't revoked (``NotFoundError`` ``token_not_found``)."""
        return cast(ApiToken, dict(self._get(f"/v1/tokens/{quote_id(ref)}")))

    def revoke_token(self, ref: str) -> ApiToken:
        """Revoke a token by id or name; revoking again keeps the first ``revoked_at``."""
        return cast(ApiToken, dict(self._post(f"/v1/tokens/{quote_id(ref)}/revoke")))
