"""LangGraph: approval maps onto `interrupt`; the checkpointer holds the pause; resume checks the decision."""

from __future__ import annotations

from typing import Any, Callable, List, TypedDict

import pytest

pytest.importorskip("langgraph")

from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from langgraph.graph import END, START, StateGraph  # noqa: E402
from langgraph.types import Command  # noqa: E402

from faramesh import ActionDeniedError, ExecutionGovernorClient  # noqa: E402
from faramesh.integrations.langgraph import governed_step, pending_action_ids  # noqa: E402


class State(TypedDict, total=False):
    cmd: str
    output: str


def build(client: ExecutionGovernorClient, agent_id: str, calls: List[str], tool: str = "shell") -> Any:
    def run_shell(cmd: str) -> str:
        calls.append(cmd)
        return "out:" + cmd

    def node(state: State) -> State:
        out = governed_step(client, run_shell, state["cmd"], tool=tool, operation="run", agent_id=agent_id, params={"cmd": state["cmd"]})
        return {"output": out}

    graph = StateGraph(State)
    graph.add_node("shell", node)
    graph.add_edge(START, "shell")
    graph.add_edge("shell", END)
    return graph.compile(checkpointer=InMemorySaver())


def test_pending_approval_interrupts_and_an_approved_resume_runs_once(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who, calls = unique("lg"), []  # type: ignore[var-annotated]
    app = build(agent, who, calls)
    config = {"configurable": {"thread_id": who}}
    first = app.invoke({"cmd": "echo hi"}, config)
    [action_id] = pending_action_ids(first["__interrupt__"])
    assert calls == []
    assert app.get_state(config).next == ("shell",)  # the checkpointer holds the pause

    approver.approve(action_id)
    final = app.invoke(Command(resume=action_id), config)
    assert final["output"] == "out:echo hi"
    assert calls == ["echo hi"]
    assert agent.get_action(action_id)["status"] == "succeeded"
    assert len(agent.list_actions(agent_id=who)) == 1  # the re-run node found the same action


def test_a_denied_resume_never_runs(agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("lg-deny"), []  # type: ignore[var-annotated]
    app = build(agent, who, calls)
    config = {"configurable": {"thread_id": who}}
    [action_id] = pending_action_ids(app.invoke({"cmd": "rm -rf /"}, config)["__interrupt__"])
    approver.deny(action_id)
    with pytest.raises(ActionDeniedError):
        app.invoke(Command(resume=action_id), config)
    assert calls == []


def test_a_resume_value_cannot_approve_by_itself(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("lg-forge"), []  # type: ignore[var-annotated]
    app = build(agent, who, calls)
    config = {"configurable": {"thread_id": who}}
    app.invoke({"cmd": "ls"}, config)
    with pytest.raises(Exception) as err:
        app.invoke(Command(resume={"approve": True}), config)
    assert "approval_timeout" in str(err.value) or "pending" in str(err.value)
    assert calls == []


def test_an_allowed_call_runs_without_interrupting(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("lg-allow"), []  # type: ignore[var-annotated]
    app = build(agent, who, calls, tool="http")
    # http.run is denied by the default policy; http.get is allowed: use the allowed one.
    def node_get(state: State) -> State:
        return {"output": governed_step(agent, calls.append, state["cmd"], tool="http", operation="get", agent_id=who)}

    graph = StateGraph(State)
    graph.add_node("get", node_get)
    graph.add_edge(START, "get")
    graph.add_edge("get", END)
    app = graph.compile(checkpointer=InMemorySaver())
    result = app.invoke({"cmd": "https://x"}, {"configurable": {"thread_id": who}})
    assert "__interrupt__" not in result
    assert calls == ["https://x"]
