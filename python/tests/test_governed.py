"""`governed` runs the function only when allowed or approved, exactly once, and fails closed."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, List

import pytest

from faramesh import (
    ActionDeniedError,
    ActionExpiredError,
    ApprovalTimeoutError,
    ExecutionGovernorClient,
    FarameshConnectionError,
    governed,
    run_governed,
)

from .proxy import CuttableProxy
from .server import AGENT_TOKEN, APPROVER_TOKEN, RunningServer


def test_an_allowed_call_runs_once_and_is_reported(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("allow")
    calls: List[str] = []

    @governed(agent, tool="http", operation="get", agent_id=who)
    def fetch(url: str) -> str:
        calls.append(url)
        return "body"

    assert fetch("https://example.com") == "body"
    assert calls == ["https://example.com"]
    [action] = agent.list_actions(agent_id=who)
    assert action["status"] == "succeeded"
    assert action["params"] == {"url": "https://example.com"}


def test_a_denied_call_never_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("deny")
    calls: List[int] = []

    @governed(agent, tool="stripe", operation="refund", agent_id=who)
    def refund(amount: int) -> None:
        calls.append(amount)

    with pytest.raises(ActionDeniedError) as err:
        refund(5000)
    assert calls == []
    assert err.value.action is not None and err.value.action["status"] == "denied"
    assert isinstance(err.value, PermissionError)


def test_an_approved_call_runs_exactly_once(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who = unique("approve")
    calls: List[str] = []

    @governed(agent, tool="shell", operation="run", agent_id=who, params=lambda cmd: {"cmd": cmd})
    def shell(cmd: str) -> str:
        calls.append(cmd)
        return "ok"

    decide_when_pending(who, approve=True)
    assert shell("echo hi") == "ok"
    assert calls == ["echo hi"]
    [action] = agent.list_actions(agent_id=who)
    assert [e["event_type"] for e in agent.get_events(action["id"])] == [
        "created", "decision_made", "approved", "started", "succeeded"
    ]


def test_a_call_denied_by_a_human_never_runs(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who = unique("humandeny")
    calls: List[str] = []
    decide_when_pending(who, approve=False)
    with pytest.raises(ActionDeniedError):
        run_governed(agent, calls.append, "rm -rf /tmp/x", tool="shell", operation="run", agent_id=who)
    assert calls == []


def test_a_failing_function_is_reported_with_its_error(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("fail")

    @governed(agent, tool="http", operation="get", agent_id=who)
    def broken() -> None:
        raise RuntimeError("upstream 502")

    with pytest.raises(RuntimeError):
        broken()
    [action] = agent.list_actions(agent_id=who)
    assert action["status"] == "failed"
    assert "upstream 502" in action["result_error"]


def test_an_approval_timeout_fails_closed(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[int] = []
    with pytest.raises(ApprovalTimeoutError):
        run_governed(agent, calls.append, 1, tool="shell", operation="run", agent_id=unique("late"), approval_timeout=0.3)
    assert calls == []


def test_an_expired_approval_fails_closed(expiring_server: RunningServer, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(expiring_server.url, AGENT_TOKEN)
    calls: List[int] = []
    with pytest.raises(ActionExpiredError) as err:
        run_governed(client, calls.append, 1, tool="shell", operation="run", agent_id=unique("exp"), approval_timeout=30)
    assert calls == []
    assert err.value.action is not None and err.value.action["status"] == "expired"


def test_an_outage_fails_closed_by_default(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    calls: List[int] = []
    with pytest.raises(FarameshConnectionError):
        run_governed(client, calls.append, 1, tool="http", operation="get", agent_id=unique("down"))
    assert calls == []


def test_fail_open_runs_during_an_outage_and_records_the_call_when_the_server_returns(
    proxy: CuttableProxy, agent: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("open")
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0, fail_open=True)
    proxy.stop()
    calls: List[str] = []
    assert run_governed(client, lambda u: calls.append(u) or "ran", "https://x", tool="http", operation="get", agent_id=who) == "ran"
    assert calls == ["https://x"]
    assert len(client.outbox) == 1
    proxy.start()
    recorded = client.flush_outbox()
    assert len(recorded) == 1 and len(client.outbox) == 0
    [action] = agent.list_actions(agent_id=who)
    assert action["context"]["faramesh_fail_open"] is True
    assert action["status"] == "succeeded"


def test_approving_requires_the_approver_role_even_for_the_decorator(server: RunningServer, unique: Callable[[str], str]) -> None:
    # The approver client can approve; the agent's own client cannot approve its own call.
    agent = ExecutionGovernorClient(server.url, AGENT_TOKEN)
    approver = ExecutionGovernorClient(server.url, APPROVER_TOKEN)
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("sod"))
    assert approver.approve(action["id"])["approval_decided_by"] == "alice"


def test_async_functions_are_governed_too(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    calls: List[int] = []

    @governed(agent, tool="stripe", operation="refund", agent_id=unique("async"))
    async def refund(amount: int) -> None:
        calls.append(amount)

    with pytest.raises(ActionDeniedError):
        asyncio.run(refund(10))
    assert calls == []
