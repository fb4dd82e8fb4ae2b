"""CrewAI integration (extra `faramesh[crewai]`): `GovernedCrewTool` wraps any CrewAI `BaseTool`."""

from __future__ import annotations

from typing import Any, Dict, Optional

from crewai.tools import BaseTool
from pydantic import ConfigDict, Field, model_validator

from ..governed import authorize, execute, jsonable
from ..sdk.client import ExecutionGovernorClient
from .mapping import faramesh_name, shell_params


class GovernedCrewTool(BaseTool):
    """Same name, description and argument schema as `tool`; runs it only when Faramesh allows or a human approves."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    tool: BaseTool
    client: Any = Field(default=None, exclude=True)
    agent_id: str = "crewai-agent"
    faramesh_tool: Optional[str] = None
    operation: Optional[str] = None
    approval_timeout: Optional[float] = None
    context: Dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _copy_identity(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("tool"), BaseTool):
            inner: BaseTool = data["tool"]
            data.setdefault("name", inner.name)
            data.setdefault("description", inner.description)
            data.setdefault("args_schema", inner.args_schema)
        if isinstance(data, dict) and data.get("client") is None:
            data["client"] = ExecutionGovernorClient()
        return data

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        ftool, op = faramesh_name(self.tool.name, self.faramesh_tool, self.operation)
        params: Dict[str, Any] = dict(kwargs)
        if args:
            params["args"] = list(args)
        action = authorize(
            self.client,
            tool=ftool,
            operation=op,
            params=shell_params(ftool, jsonable(params)),
            agent_id=self.agent_id,
            context={**self.context, "framework": "crewai", "tool_name": self.tool.name},
            approval_timeout=self.approval_timeout,
        )
        return execute(self.client, action, lambda: self.tool.run(*args, **kwargs))


def govern_crewai_tool(tool: BaseTool, client: ExecutionGovernorClient, agent_id: str, **options: Any) -> GovernedCrewTool:
    """Wrap one CrewAI tool."""
    return GovernedCrewTool(tool=tool, client=client, agent_id=agent_id, **options)
