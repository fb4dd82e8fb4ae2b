"""AG2 (successor of AutoGen): a governed `ag2.tool`, driven by AG2's own scripted test model."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, List

import pytest

pytest.importorskip("ag2")

from ag2 import Agent  # noqa: E402
from ag2.events import ToolCallEvent  # noqa: E402
from ag2.testing import TestConfig  # noqa: E402

from faramesh import ExecutionGovernorClient  # noqa: E402
from faramesh.integrations.ag2 import governed_ag2_tool  # noqa: E402

from .proxy import CuttableProxy  # noqa: E402
from .server import AGENT_TOKEN  # noqa: E402


def scripted_agent(tool: Any, name: str, arguments: dict) -> Agent:  # type: ignore[type-arg]
    """An AG2 agent whose 'model' calls `name(arguments)` once, then answers "done"."""
    model = TestConfig(ToolCallEvent(name, arguments=json.dumps(arguments)), "done")
    return Agent("ops", config=model, tools=[tool])


def test_a_denied_call_never_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[int] = []

    def refund(amount: int) -> str:
        """Refund money."""
        calls.append(amount)
        return "refunded"

    who = unique("ag2")
    tool = governed_ag2_tool(refund, agent, agent_id=who, tool="stripe", operation="refund")
    # The refusal is the tool's answer to the model (tests/test_refusals.py reads it), not a ToolErrorEvent.
    reply = asyncio.run(scripted_agent(tool, "refund", {"amount": 5}).ask("refund order 7"))
    assert reply.body == "done"
    assert calls == []
    assert agent.list_actions(agent_id=who)[0]["status"] == "denied"


def test_an_approved_call_runs_exactly_once(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who = unique("ag2-ok")
    calls: List[str] = []

    def run_shell(cmd: str) -> str:
        """Run a command."""
        calls.append(cmd)
        return "ran " + cmd

    tool = governed_ag2_tool(run_shell, agent, agent_id=who, tool="shell", operation="run")
    decide_when_pending(who)
    asyncio.run(scripted_agent(tool, "run_shell", {"cmd": "echo hi"}).ask("say hi"))
    assert calls == ["echo hi"]
    [action] = agent.list_actions(agent_id=who)
    assert (action["params"], action["status"]) == ({"cmd": "echo hi"}, "succeeded")


def test_an_outage_fails_closed(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    calls: List[str] = []

    def fetch(url: str) -> str:
        """Fetch a URL."""
        calls.append(url)
        return "body"

    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    tool = governed_ag2_tool(fetch, client, agent_id=unique("ag2-down"), tool="http", operation="get")
    assert asyncio.run(scripted_agent(tool, "fetch", {"url": "https://x"}).ask("fetch")).body == "done"
    assert calls == []
