"""AG2 integration (extra `faramesh[ag2]`, the AG2 1.x `ag2` package, successor of AutoGen 0.2):
a governed `ag2.tool`."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from ag2 import tool as ag2_tool

from ..governed import governed
from ..refusal import answer_refusals
from ..sdk.client import ExecutionGovernorClient


def governed_ag2_tool(
    fn: Callable[..., Any],
    client: ExecutionGovernorClient,
    *,
    agent_id: str,
    tool: Optional[str] = None,
    operation: str = "run",
    name: Optional[str] = None,
    description: Optional[str] = None,
    context: Optional[Mapping[str, Any]] = None,
    approval_timeout: Optional[float] = None,
) -> Any:
    """An AG2 `FunctionTool` for `fn` whose body runs only when Faramesh allows it or a human approves.

    A refusal (denied, expired, approval timeout, Faramesh unreachable) is the tool's answer to the
    model — one readable sentence — and `fn` does not run; AG2 would otherwise hand the model a traceback.
    """
    tool_name = name or fn.__name__
    wrapped = governed(
        client,
        tool=tool or tool_name,
        operation=operation,
        agent_id=agent_id,
        context={**dict(context or {}), "framework": "ag2"},
        approval_timeout=approval_timeout,
    )(fn)
    answered = answer_refusals(wrapped)
    return ag2_tool(answered, name=tool_name, description=description or (fn.__doc__ or tool_name).strip())
