"""LlamaIndex: governed_function_tool builds a real FunctionTool whose body is governed."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, List

import pytest

pytest.importorskip("llama_index.core")

from faramesh import ActionDeniedError, ExecutionGovernorClient, FarameshConnectionError  # noqa: E402
from faramesh.integrations.llamaindex import governed_function_tool  # noqa: E402

from .proxy import CuttableProxy  # noqa: E402
from .server import AGENT_TOKEN  # noqa: E402


def test_a_denied_call_never_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[int] = []

    def refund(amount: int) -> str:
        """Refund money."""
        calls.append(amount)
        return "refunded"

    tool = governed_function_tool(refund, agent, agent_id=unique("li"), tool="stripe", operation="refund")
    assert tool.metadata.name == "refund"
    with pytest.raises(ActionDeniedError):
        tool.call(amount=10)
    assert calls == []


def test_an_approved_call_runs_exactly_once(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who = unique("li-ok")
    calls: List[str] = []

    def run_shell(cmd: str) -> str:
        """Run a command."""
        calls.append(cmd)
        return "ran " + cmd

    tool = governed_function_tool(run_shell, agent, agent_id=who, tool="shell", operation="run")
    decide_when_pending(who)
    assert tool.call(cmd="echo hi").content == "ran echo hi"
    assert calls == ["echo hi"]
    assert agent.list_actions(agent_id=who)[0]["status"] == "succeeded"


def test_async_tools_are_governed(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[str] = []

    async def fetch(url: str) -> str:
        """Fetch a URL."""
        calls.append(url)
        return "body"

    tool = governed_function_tool(fetch, agent, agent_id=unique("li-async"), tool="http", operation="get")
    assert asyncio.run(tool.acall(url="https://x")).content == "body"
    assert calls == ["https://x"]


def test_an_outage_fails_closed(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    calls: List[str] = []
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    tool = governed_function_tool(calls.append, client, agent_id=unique("li-down"), name="append", tool="http", operation="get")
    with pytest.raises(FarameshConnectionError):
        tool.call("x")
    assert calls == []
