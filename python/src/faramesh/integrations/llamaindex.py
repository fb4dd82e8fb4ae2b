"""LlamaIndex integration (extra `faramesh[llamaindex]`): a governed `FunctionTool`."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping, Optional

from llama_index.core.tools import FunctionTool

from ..governed import governed
from ..sdk.client import ExecutionGovernorClient


def governed_function_tool(
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
) -> FunctionTool:
    """A `FunctionTool` for `fn` (sync or async) whose body runs only when Faramesh allows it or a human approves.

    The tool's schema comes from `fn`'s signature, as with `FunctionTool.from_defaults(fn=...)`.
    """
    tool_name = name or fn.__name__
    wrapped = governed(
        client,
        tool=tool or tool_name,
        operation=operation,
        agent_id=agent_id,
        context={**dict(context or {}), "framework": "llamaindex"},
        approval_timeout=approval_timeout,
    )(fn)
    text = description or (fn.__doc__ or tool_name).strip()
    if inspect.iscoroutinefunction(fn):
        return FunctionTool.from_defaults(async_fn=wrapped, name=tool_name, description=text)
    return FunctionTool.from_defaults(fn=wrapped, name=tool_name, description=text)
