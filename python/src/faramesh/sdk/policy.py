"""The active policy: read it, reload it from its file, and try calls against it without storing them."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from .client_base import ClientBase
from .tool_call import tool_call_body


class PolicyCalls(ClientBase):
    """`/v1/policy` and `/playground/eval` (approver/admin; reloading is admin)."""

    def get_policy(self) -> Dict[str, Any]:
        """`{file, version, hash, rules, risk_rules, loaded_at, last_error}` of the active policy."""
        return dict(self._get("/v1/policy"))

    def reload_policy(self) -> Dict[str, Any]:
        """Re-read the server's policy file (admin). An invalid file raises ``PolicyInvalidError`` with
        the diagnostics in ``details``, and the previous policy stays active."""
        return dict(self._post("/v1/policy/reload"))

    def playground_eval(
        self,
        tool: str,
        operation: str,
        params: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        agent_id: Optional[str] = None,
        policy: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Evaluate without storing anything, against the active policy or ``policy`` (YAML text)."""
        body = tool_call_body(tool, operation, params, context, agent_id)
        if policy is not None:
            body["policy"] = policy
        return dict(self._post("/playground/eval", body))
