"""Microsoft AutoGen integration (extra `faramesh[autogen]`: `autogen-agentchat` / `autogen-core` 0.7).

Not AG2: AG2 (`faramesh[ag2]`) is the community fork of AutoGen 0.2. This module is for Microsoft's
AutoGen 0.4+ API, whose `AssistantAgent` calls every tool through a `Workbench`:

    workbench = govern_tools([refund, run_shell], client, agent_id="ops-agent",
                             names={"refund": ("stripe", "refund")})
    agent = AssistantAgent("ops", model_client=model, workbench=workbench)

`GovernedWorkbench` wraps any workbench (a `StaticWorkbench` of `FunctionTool`s, an `McpWorkbench`, …):
each call is submitted to Faramesh first; allowed calls run; a call that needs approval waits on the
long-poll and then runs with exactly the arguments that were submitted; a refusal (denied, expired,
approval timeout, Faramesh unreachable: fail-closed) is the tool's error result, one sentence the model
reads, and the tool does not run. Cancelling the agent's run while it waits withdraws the action.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from autogen_core import CancellationToken
from autogen_core.tools import BaseTool, FunctionTool, StaticWorkbench, TextResultContent, ToolResult, ToolSchema, Workbench

from ..governed import authorize_async, execute_async, jsonable
from ..refusal import REFUSALS, refusal_of
from ..sdk.client import ExecutionGovernorClient
from .mapping import faramesh_name, shell_params

# An error result's text is reported to Faramesh as the failure; bounded, as any field we send.
_MAX_ERROR_CHARS = 2000

ToolLike = Union[BaseTool[Any, Any], Callable[..., Any]]


class GovernedWorkbench(Workbench):
    """`workbench`'s tools, each call gated by Faramesh. Lists the same tools (names, schemas)."""

    def __init__(
        self,
        workbench: Workbench,
        client: ExecutionGovernorClient,
        *,
        agent_id: str,
        names: Optional[Mapping[str, Tuple[str, str]]] = None,
        context: Optional[Mapping[str, Any]] = None,
        approval_timeout: Optional[float] = None,
    ) -> None:
        """`names` maps a tool name to its Faramesh `(tool, operation)`; the default is the tool's own
        name and `run` (shell-like names become `shell.run`, as in the other integrations)."""
        self._inner = workbench
        self._client = client
        self._agent_id = agent_id
        self._names = dict(names or {})
        self._context = dict(context or {})
        self._approval_timeout = approval_timeout

    async def list_tools(self) -> List[ToolSchema]:
        return await self._inner.list_tools()

    async def call_tool(
        self,
        name: str,
        arguments: Optional[Mapping[str, Any]] = None,
        cancellation_token: Optional[CancellationToken] = None,
        call_id: Optional[str] = None,
    ) -> ToolResult:
        # Frozen before submission: the tool runs with exactly what Faramesh decided on.
        submitted: Dict[str, Any] = copy.deepcopy(dict(arguments or {}))
        ftool, op = faramesh_name(name, *self._names.get(name, (None, None)))
        request: Dict[str, Any] = {
            "tool": ftool,
            "operation": op,
            "params": shell_params(ftool, jsonable(submitted)),
            "agent_id": self._agent_id,
            "context": {**self._context, "framework": "autogen", "tool_name": name},
            "approval_timeout": self._approval_timeout,
        }
        try:
            decision = asyncio.ensure_future(authorize_async(self._client, **request))
            if cancellation_token is not None:
                cancellation_token.link_future(decision)
            try:
                action = await decision
            except asyncio.CancelledError:
                if not _only_the_token_cancelled(cancellation_token):
                    raise
                # AssistantAgent waits forever for a tool call that raises CancelledError (0.7.5), so a
                # cancelled token ends the call with an answer; the action was withdrawn meanwhile.
                return _refused(name, f"The tool did not run: the run was cancelled while {ftool}.{op} waited for approval, and its Faramesh action was withdrawn.")
            return await execute_async(
                self._client,
                action,
                lambda: self._inner.call_tool(name, submitted, cancellation_token, call_id),
                _failure_of,
            )
        except REFUSALS as err:
            message = refusal_of(err)
            if message is None:
                raise
            return _refused(name, message)

    async def start(self) -> None:
        await self._inner.start()

    async def stop(self) -> None:
        await self._inner.stop()

    async def reset(self) -> None:
        await self._inner.reset()

    async def save_state(self) -> Mapping[str, Any]:
        return await self._inner.save_state()

    async def load_state(self, state: Mapping[str, Any]) -> None:
        await self._inner.load_state(state)


def _refused(name: str, message: str) -> ToolResult:
    return ToolResult(name=name, result=[TextResultContent(content=message)], is_error=True)


def _only_the_token_cancelled(token: Optional[CancellationToken]) -> bool:
    """True when AutoGen's token cancelled the wait, not a cancellation of the calling task itself."""
    if token is None or not token.is_cancelled():
        return False
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)  # Python 3.11+
    return not (callable(cancelling) and cancelling())


def _failure_of(result: ToolResult) -> Optional[str]:
    return result.to_text(replace_image="[image]")[:_MAX_ERROR_CHARS] if result.is_error else None


def govern_tools(
    tools: Sequence[ToolLike],
    client: ExecutionGovernorClient,
    agent_id: str,
    **options: Any,
) -> GovernedWorkbench:
    """A governed workbench of `tools` (AutoGen tools, or plain functions as `AssistantAgent(tools=...)`
    accepts them), to pass as `AssistantAgent(workbench=...)`. Options as for `GovernedWorkbench`."""
    as_tools: List[BaseTool[Any, Any]] = [
        t if isinstance(t, BaseTool) else FunctionTool(t, description=(t.__doc__ or t.__name__).strip()) for t in tools
    ]
    return GovernedWorkbench(StaticWorkbench(as_tools), client, agent_id=agent_id, **options)
