"""LangChain: GovernedTool wraps any langchain-core tool (real package from PyPI)."""

from __future__ import annotations

from typing import Any, Callable, List

import pytest

pytest.importorskip("langchain_core")

from langchain_core.tools import tool  # noqa: E402

from faramesh import ActionDeniedError, ExecutionGovernorClient, FarameshConnectionError  # noqa: E402
from faramesh.integrations.langchain import GovernedTool, govern_tools  # noqa: E402

from .proxy import CuttableProxy  # noqa: E402
from .server import AGENT_TOKEN  # noqa: E402


def make_tools(calls: List[Any]) -> List[Any]:
    @tool
    def refund(amount: int, customer: str) -> str:
        """Refund a customer."""
        calls.append(("refund", amount, customer))
        return "refunded"

    @tool
    def terminal(commands: str) -> str:
        """Run a shell command."""
        calls.append(("terminal", commands))
        return "ran " + commands

    return [refund, terminal]


def test_keeps_the_wrapped_tools_name_description_and_schema(agent: ExecutionGovernorClient) -> None:
    refund, _ = make_tools([])
    governed = GovernedTool(tool=refund, client=agent, agent_id="a")
    assert governed.name == "refund"
    assert governed.description == refund.description
    assert governed.args == refund.args


def test_a_denied_call_never_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[Any] = []
    refund, _ = make_tools(calls)
    governed = GovernedTool(tool=refund, client=agent, agent_id=unique("lc"), faramesh_tool="stripe", operation="refund")
    with pytest.raises(ActionDeniedError):
        governed.invoke({"amount": 5000, "customer": "c1"})
    assert calls == []


def test_an_approved_call_runs_exactly_once(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who = unique("lc-approve")
    calls: List[Any] = []
    tools = govern_tools(make_tools(calls), agent, who)
    decide_when_pending(who)
    assert tools[1].invoke({"commands": "echo hi"}) == "ran echo hi"
    assert calls == [("terminal", "echo hi")]
    [action] = agent.list_actions(agent_id=who)
    assert (action["tool"], action["params"]["cmd"], action["status"]) == ("shell", "echo hi", "succeeded")


def test_an_outage_fails_closed(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    calls: List[Any] = []
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    governed = GovernedTool(tool=make_tools(calls)[0], client=client, agent_id=unique("lc-down"))
    with pytest.raises(FarameshConnectionError):
        governed.invoke({"amount": 1, "customer": "c"})
    assert calls == []
