"""The request body of one tool call, as submitting and the playground both send it."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional


def tool_call_body(
    tool: str,
    operation: str,
    params: Optional[Mapping[str, Any]],
    context: Optional[Mapping[str, Any]],
    agent_id: Optional[str],
) -> Dict[str, Any]:
    """`{tool, operation, params, context?, agent_id?}`; `context` and `agent_id` only when given."""
    body: Dict[str, Any] = {"tool": tool, "operation": operation, "params": dict(params or {})}
    if context is not None:
        body["context"] = dict(context)
    if agent_id is not None:
        body["agent_id"] = str(agent_id)
    return body
