"""The seed's client methods against the real server."""

from __future__ import annotations

from typing import Callable

import pytest

from faramesh import ExecutionGovernorClient, PermissionDeniedError
from faramesh.config import ClientConfig


def test_submit_takes_agent_id_from_context_as_the_seed_does(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("ctx")
    action = agent.submit_action(tool="http", operation="get", params={"url": "https://x"}, context={"agent_id": who})
    assert action["agent_id"] == who
    assert action["status"] == "allowed"
    assert action["decision"] == "allow"
    assert action["risk_level"] == "low"


def test_submit_accepts_an_explicit_agent_id(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("explicit")
    action = agent.submit_action("stripe", "refund", {"amount": 5}, agent_id=who)
    assert action["agent_id"] == who
    assert action["status"] == "denied"


def test_get_action_resolves_an_id_prefix(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("http", "get", {"url": "https://x"}, agent_id=unique("prefix"))
    assert agent.get_action(action["id"][:12])["id"] == action["id"]


def test_list_actions_returns_a_list_with_paging_metadata(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("list")
    ids = [agent.submit_action("http", "get", {"n": i}, agent_id=who)["id"] for i in range(3)]
    page = agent.list_actions(limit=2, agent_id=who)
    assert isinstance(page, list)
    assert [a["id"] for a in page] == ids[::-1][:2]
    assert page.total == 3 and page.limit == 2 and page.offset == 0
    assert [a["id"] for a in agent.list_actions(limit=2, offset=2, agent_id=who)] == [ids[0]]


def test_agents_never_see_approval_tokens(agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("tok"))
    assert action["status"] == "pending_approval"
    assert not agent.get_action(action["id"]).get("approval_token")
    assert approver.get_action(action["id"]).get("approval_token")


def test_approve_start_and_report_result_walk_the_lifecycle(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "echo hi"}, agent_id=unique("life"))
    assert approver.approve(action["id"], reason="looks safe")["status"] == "approved"
    assert agent.start(action["id"])["status"] == "executing"
    done = agent.report_result(action["id"], success=False, error="exit 2")
    assert done["status"] == "failed"
    assert done["result_error"] == "exit 2"
    events = [e["event_type"] for e in agent.get_events(action["id"])]
    assert events == ["created", "decision_made", "approved", "started", "failed"]


def test_deny_records_who_and_why(agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("deny"))
    denied = approver.deny(action["id"][:10], reason="not today")
    assert denied["status"] == "denied"
    assert denied["approval_reason"] == "not today"
    assert denied["approval_decided_by"] == "alice"


def test_an_agent_cannot_approve(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("self"))
    with pytest.raises(PermissionDeniedError):
        agent.approve(action["id"])
    with pytest.raises(PermissionDeniedError) as err:
        agent.approve(action["id"], token="guess")
    assert err.value.code == "forbidden" and err.value.status == 403


def test_replay_submits_the_same_request_again(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    first = agent.submit_action("http", "get", {"url": "https://x"}, agent_id=unique("replay"))
    again = agent.replay(first["id"])
    assert again["id"] != first["id"]
    assert again["context"]["replay_of"] == first["id"]
    assert (again["tool"], again["operation"], again["params"]) == ("http", "get", {"url": "https://x"})


def test_explain_and_whoami(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("http", "get", {}, agent_id=unique("explain"))
    assert agent.explain(action["id"])["action"]["id"] == action["id"]
    assert agent.whoami()["role"] == "agent"


def test_config_comes_from_arguments_then_environment() -> None:
    env = {"FARAMESH_BASE_URL": "http://env:1/", "FARAMESH_TOKEN": "t1,t2", "FARAMESH_FAIL_OPEN": "1"}
    cfg = ClientConfig.resolve(env=env)
    assert (cfg.base_url, cfg.token, cfg.fail_open) == ("http://env:1", "t1", True)
    cfg = ClientConfig.resolve("http://arg:2", "tok", fail_open=False, env=env)
    assert (cfg.base_url, cfg.token, cfg.fail_open) == ("http://arg:2", "tok", False)
    assert ClientConfig.resolve(env={}).base_url == "http://127.0.0.1:8000"
    assert ClientConfig.resolve(env={}).fail_open is False


def test_the_client_reads_the_environment(monkeypatch: pytest.MonkeyPatch, server: object) -> None:
    from .server import AGENT_TOKEN

    monkeypatch.setenv("FARAMESH_BASE_URL", server.url)  # type: ignore[attr-defined]
    monkeypatch.setenv("FARAMESH_TOKEN", AGENT_TOKEN)
    assert ExecutionGovernorClient().whoami()["name"] == "agent1"
