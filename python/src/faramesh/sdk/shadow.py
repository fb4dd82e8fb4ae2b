"""Shadow policies: a candidate policy evaluated beside the active one, reported on, then promoted."""

from __future__ import annotations

from typing import Any, Dict, Optional, cast

from .client_base import ClientBase
from .wire_types import ShadowPolicyStatus, ShadowPromotion, ShadowReport


class ShadowCalls(ClientBase):
    """`/v1/policy/shadow` (reading and the report: approver/admin; changing it: admin)."""

    def shadow_policy(self) -> ShadowPolicyStatus:
        """The shadow policy's status (``active`` is False when none is set)."""
        return cast(ShadowPolicyStatus, dict(self._get("/v1/policy/shadow")))

    def set_shadow_policy(self, policy: str) -> ShadowPolicyStatus:
        """Set the shadow policy from its YAML text (admin). ``PolicyInvalidError`` with diagnostics
        (the previous shadow policy stays); ``ConflictError`` ``shadow_policy_from_file`` when the
        server reads it from FARAMESH_SHADOW_POLICY."""
        return cast(ShadowPolicyStatus, dict(self._post("/v1/policy/shadow", {"policy": policy})))

    def clear_shadow_policy(self) -> ShadowPolicyStatus:
        """Stop evaluating the shadow policy (admin); ``cleared`` is False when none was set. The
        disagreements it recorded stay."""
        return cast(ShadowPolicyStatus, dict(self._delete("/v1/policy/shadow")))

    def shadow_report(
        self,
        since: Optional[str] = None,
        *,
        policy_hash: Optional[str] = None,
        examples: Optional[int] = None,
    ) -> ShadowReport:
        """What the shadow policy would have changed since ``since`` (``24h`` by default, ``7d``, or a UTC
        timestamp). ``NotFoundError`` ``shadow_policy_not_set`` when there is none (and no ``policy_hash``)."""
        query = {"since": since, "policy_hash": policy_hash, "examples": examples}
        return cast(ShadowReport, dict(self._get("/v1/policy/shadow/report", query)))

    def promote_shadow_policy(self, *, expected_hash: Optional[str] = None, since: Optional[str] = None) -> ShadowPromotion:
        """Make the shadow policy the active one (admin): the server writes it to its policy file and
        records the report in the ledger. With ``expected_hash``, only if the shadow policy is still that
        one (``ConflictError`` ``shadow_policy_changed``). Never retried."""
        body: Dict[str, Any] = {}
        if expected_hash is not None:
            body["expected_hash"] = expected_hash
        if since is not None:
            body["since"] = since
        return cast(ShadowPromotion, dict(self._post("/v1/policy/shadow/promote", body)))
