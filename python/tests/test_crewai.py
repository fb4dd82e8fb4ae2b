"""CrewAI: GovernedCrewTool wraps a real crewai BaseTool."""

from __future__ import annotations

from typing import Any, Callable, List, Type

import pytest

pytest.importorskip("crewai")

from crewai.tools import BaseTool  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from faramesh import ActionDeniedError, ExecutionGovernorClient, FarameshConnectionError  # noqa: E402
from faramesh.integrations.crewai import GovernedCrewTool, govern_crewai_tool  # noqa: E402

from .proxy import CuttableProxy  # noqa: E402
from .server import AGENT_TOKEN  # noqa: E402


class CmdInput(BaseModel):
    cmd: str


def shell_tool(calls: List[str]) -> BaseTool:
    class Shell(BaseTool):
        name: str = "shell"
        description: str = "Run a shell command"
        args_schema: Type[BaseModel] = CmdInput

        def _run(self, cmd: str) -> str:
            calls.append(cmd)
            return "ran " + cmd

    return Shell()


def test_a_denied_call_never_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[str] = []
    governed = govern_crewai_tool(shell_tool(calls), agent, unique("crew"), faramesh_tool="payments", operation="wire")
    with pytest.raises(ActionDeniedError):
        governed.run(cmd="send")
    assert calls == []


def test_an_approved_call_runs_exactly_once(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who = unique("crew-ok")
    calls: List[str] = []
    governed = GovernedCrewTool(tool=shell_tool(calls), client=agent, agent_id=who)
    assert governed.name == "shell" and governed.args_schema is CmdInput
    decide_when_pending(who)
    assert governed.run(cmd="echo hi") == "ran echo hi"
    assert calls == ["echo hi"]
    [action] = agent.list_actions(agent_id=who)
    assert action["status"] == "succeeded"


def test_an_outage_fails_closed(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    calls: List[str] = []
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    with pytest.raises(FarameshConnectionError):
        govern_crewai_tool(shell_tool(calls), client, unique("crew-down")).run(cmd="ls")
    assert calls == []
