"""`GovernedTool`: any LangChain tool, run only after Faramesh allows it or a human approves it.

    governed = GovernedTool(tool=shell_tool, client=client, agent_id="my-langchain-agent")
    governed.run("ls -la")

Called by a model (a tool call, as LangGraph's `ToolNode` and LangChain agents invoke tools), a refusal
— denied, expired, approval timeout, or Faramesh unreachable — comes back as an error `ToolMessage` the
model can read, and the run goes on without the tool having run. Called directly, it raises the typed
error (`ActionDeniedError`, …, `FarameshConnectionError`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from langchain_core.callbacks import CallbackManagerForToolRun
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from pydantic import ConfigDict, Field, model_validator

from ...governed import authorize, execute, jsonable
from ...refusal import refusal_of
from ...sdk.client import ExecutionGovernorClient
from ..mapping import faramesh_name, shell_params


class GovernedTool(BaseTool):
    """Wraps `tool`; keeps its name, description and argument schema, so agents see the same tool.

    Each call is submitted to Faramesh as `faramesh_tool`.`operation` (defaults: the tool's name and
    `run`; LangChain's `terminal` shell tool is `shell.run`) with the call's arguments as params.
    Denied, expired or timed-out calls raise the typed error and the wrapped tool never runs.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    tool: BaseTool
    client: Any = Field(exclude=True)
    agent_id: str = "langchain-agent"
    faramesh_tool: Optional[str] = None
    operation: Optional[str] = None
    approval_timeout: Optional[float] = None
    context: Dict[str, Any] = Field(default_factory=dict)
    name: str = ""
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _copy_identity(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("tool"), BaseTool):
            inner: BaseTool = data["tool"]
            data.setdefault("name", inner.name)
            data.setdefault("description", inner.description)
            if inner.args_schema is not None:
                data.setdefault("args_schema", inner.args_schema)
            data.setdefault("return_direct", inner.return_direct)
        if isinstance(data, dict) and data.get("client") is None:
            data["client"] = ExecutionGovernorClient()
        return data

    def _run(self, *args: Any, run_manager: Optional[CallbackManagerForToolRun] = None, **kwargs: Any) -> Any:
        tool_input: Any
        if args and not kwargs and len(args) == 1:
            tool_input = args[0]
            params: Dict[str, Any] = args[0] if isinstance(args[0], dict) else {"input": args[0]}
        else:
            tool_input = dict(kwargs)
            if args:
                tool_input["args"] = list(args)
            params = dict(tool_input)
        ftool, op = faramesh_name(self.tool.name, self.faramesh_tool, self.operation)
        action = authorize(
            self.client,
            tool=ftool,
            operation=op,
            params=shell_params(ftool, jsonable(params)),
            agent_id=self.agent_id,
            context={**self.context, "framework": "langchain", "tool_name": self.tool.name},
            approval_timeout=self.approval_timeout,
        )
        callbacks = run_manager.get_child() if run_manager else None
        return execute(self.client, action, lambda: self.tool.run(tool_input, callbacks=callbacks))

    def run(self, tool_input: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().run(tool_input, *args, **kwargs)
        except Exception as err:
            return self._refused(err, kwargs.get("tool_call_id"))

    async def arun(self, tool_input: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().arun(tool_input, *args, **kwargs)
        except Exception as err:
            return self._refused(err, kwargs.get("tool_call_id"))

    def _refused(self, err: Exception, tool_call_id: Optional[str]) -> ToolMessage:
        """A model's tool call gets the refusal as an error ToolMessage; anything else re-raises."""
        message = refusal_of(err)
        if message is None or tool_call_id is None:
            raise err
        return ToolMessage(content=message, tool_call_id=tool_call_id, name=self.name, status="error")


def govern_tools(
    tools: Sequence[BaseTool], client: ExecutionGovernorClient, agent_id: str, **options: Any
) -> List[GovernedTool]:
    """Wrap every tool of an agent."""
    return [GovernedTool(tool=t, client=client, agent_id=agent_id, **options) for t in tools]
