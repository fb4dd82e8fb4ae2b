"""Microsoft Agent Framework (`agent-framework-core` 1.x): an `Agent` whose function calls go through
`FarameshMiddleware`, driven by a scripted chat client (a `BaseChatClient` with the framework's own
function-invocation layer) against the real server: allowed, denied, approved after a wait, expired,
unreachable, and the bridge between Faramesh and the framework's tool approvals.

Runs in its own virtual environment (python/.venv-agent-framework, extra `test-agent-framework`; see
scripts/test.mjs).
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Sequence, Tuple

import pytest

pytest.importorskip("agent_framework")

from agent_framework import (  # noqa: E402
    Agent,
    AgentResponse,
    AgentSession,
    BaseChatClient,
    ChatMiddlewareLayer,
    ChatResponse,
    Content,
    FunctionInvocationLayer,
    Message,
    tool,
)

from faramesh import ExecutionGovernorClient  # noqa: E402
from faramesh.integrations.agent_framework import FarameshMiddleware  # noqa: E402

from .proxy import CuttableProxy  # noqa: E402
from .server import AGENT_TOKEN, REPO, RunningServer  # noqa: E402
from .test_examples import run_three_call_example  # noqa: E402

NAMES = {"refund": ("stripe", "refund"), "fetch": ("http", "get"), "run_shell": ("shell", "run")}
Calls = List[Tuple[str, Dict[str, Any]]]


class ScriptedChatClient(FunctionInvocationLayer, ChatMiddlewareLayer, BaseChatClient):  # type: ignore[misc]
    """A model that calls `name(arguments)` once, then answers "done"; it keeps what it was sent."""

    def __init__(self, name: str, arguments: Mapping[str, Any]) -> None:
        super().__init__()
        self.call = (name, dict(arguments))
        self.prompts: List[List[Message]] = []

    async def _inner_get_response(self, *, messages: Sequence[Message], stream: bool, options: Any, **kwargs: Any) -> ChatResponse:
        assert not stream
        self.prompts.append(list(messages))
        if len(self.prompts) == 1:
            name, arguments = self.call
            content = Content.from_function_call(call_id="call-1", name=name, arguments=json.dumps(arguments))
        else:
            content = Content.from_text("done")
        return ChatResponse(messages=[Message(role="assistant", contents=[content])], response_id=f"r{len(self.prompts)}")

    def results_read(self) -> List[Any]:
        """The function results the model was given in its last prompt."""
        return [c.result for m in self.prompts[-1] for c in m.contents if c.type == "function_result"]


def tools(calls: Calls) -> List[Any]:
    @tool
    def refund(amount: int) -> str:
        """Refund money."""
        calls.append(("refund", {"amount": amount}))
        return "refunded"

    @tool
    async def fetch(url: str) -> str:
        """Fetch a URL."""
        calls.append(("fetch", {"url": url}))
        return "body of " + url

    @tool
    def run_shell(cmd: str, cwd: str = "/") -> str:
        """Run a shell command."""
        calls.append(("run_shell", {"cmd": cmd, "cwd": cwd}))
        return "ran " + cmd

    @tool(name="fetch_checked", approval_mode="always_require")
    def fetch_checked(url: str) -> str:
        """Fetch a URL, once a human said yes."""
        calls.append(("fetch_checked", {"url": url}))
        return "checked body of " + url

    return [refund, fetch, run_shell, fetch_checked]


class Run:
    """One agent with a governed toolset, a scripted model and a session."""

    def __init__(self, middleware: FarameshMiddleware, name: str, arguments: Mapping[str, Any]) -> None:
        self.calls: Calls = []
        self.model = ScriptedChatClient(name, arguments)
        self.agent = Agent(client=self.model, tools=tools(self.calls), middleware=[middleware])
        self.session: AgentSession = self.agent.create_session()

    def run(self, message: Any = "do it") -> AgentResponse:
        return asyncio.run(self.agent.run(message, session=self.session))


def governance(client: ExecutionGovernorClient, who: str, **options: Any) -> FarameshMiddleware:
    names = {**NAMES, "fetch_checked": ("http", "get"), **options.pop("names", {})}
    return FarameshMiddleware(client, agent_id=who, names=names, **options)


def approve_when_pending(approver: ExecutionGovernorClient, who: str, calls: Calls, approve: bool = True) -> threading.Thread:
    """A human deciding through the API once the action is pending; meanwhile the tool has not run."""

    def human() -> None:
        for ev in approver.stream(agent_id=who, status="pending_approval", last_event_id=0):
            assert calls == []
            (approver.approve if approve else approver.deny)(ev.action["id"], reason="checked by test human")
            return

    t = threading.Thread(target=human, daemon=True)
    t.start()
    return t


def test_an_allowed_call_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("maf-allow")
    r = Run(governance(agent, who), "fetch", {"url": "https://example.com"})
    assert r.run().text == "done"
    assert r.calls == [("fetch", {"url": "https://example.com"})]
    assert r.model.results_read() == ["body of https://example.com"]
    [action] = agent.list_actions(agent_id=who)
    assert (action["tool"], action["operation"], action["status"]) == ("http", "get", "succeeded")
    assert action["context"]["framework"] == "agent-framework"


def test_a_denied_call_never_runs_and_the_model_reads_why(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("maf-deny")
    r = Run(governance(agent, who), "refund", {"amount": 5})  # no rule allows stripe.refund
    assert r.run().text == "done"
    [read] = r.model.results_read()
    assert "Faramesh" in read and "denied stripe.refund" in read and "Default deny rule" in read and "Traceback" not in read
    assert r.calls == []
    assert [a["status"] for a in agent.list_actions(agent_id=who)] == ["denied"]


def test_an_approved_call_waits_then_runs_exactly_the_submitted_arguments(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("maf-approve")
    r = Run(governance(agent, who), "run_shell", {"cmd": "echo hi", "cwd": "/tmp"})
    human = approve_when_pending(approver, who, r.calls)
    assert r.run().text == "done"
    human.join(5)
    assert r.calls == [("run_shell", {"cmd": "echo hi", "cwd": "/tmp"})]
    assert r.model.results_read() == ["ran echo hi"]
    [action] = agent.list_actions(agent_id=who)
    assert (action["params"], action["status"], action["approval_reason"]) == ({"cmd": "echo hi", "cwd": "/tmp"}, "succeeded", "checked by test human")


def test_an_expired_approval_never_runs(expiring_server: RunningServer, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(expiring_server.url, AGENT_TOKEN, approval_timeout=20)
    who = unique("maf-expire")
    r = Run(governance(client, who), "run_shell", {"cmd": "ls"})  # nobody decides within 1 s
    assert r.run().text == "done"
    [read] = r.model.results_read()
    assert "Faramesh" in read and "expired" in read
    assert r.calls == []
    assert [a["status"] for a in client.list_actions(agent_id=who)] == ["expired"]


def test_an_unreachable_server_fails_closed(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    r = Run(governance(client, unique("maf-down")), "fetch", {"url": "https://x"})  # allowed, were it up
    assert r.run().text == "done"
    [read] = r.model.results_read()
    assert "Faramesh could not be reached" in read
    assert r.calls == []


def test_a_held_call_becomes_the_frameworks_approval_request_and_faramesh_answers_it(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("maf-bridge")
    gate = governance(agent, who, approvals="framework")
    r = Run(gate, "run_shell", {"cmd": "echo hi"})
    first = r.run()
    [request] = first.user_input_requests  # the run paused: nothing ran, nobody waits in a thread
    assert request.type == "function_approval_request"
    assert (request.function_call.name, request.function_call.parse_arguments()) == ("run_shell", {"cmd": "echo hi"})
    [pending] = agent.list_actions(agent_id=who)
    assert (pending["status"], request.additional_properties["faramesh_action_id"]) == ("pending_approval", pending["id"])
    assert r.calls == []

    human = approve_when_pending(approver, who, r.calls)
    [response] = asyncio.run(gate.approval_responses(first.user_input_requests))
    human.join(5)
    assert (response.type, response.approved) == ("function_approval_response", True)
    assert response.additional_properties["faramesh_reason"] == "checked by test human"

    assert r.run(Message(role="user", contents=[response])).text == "done"
    assert r.calls == [("run_shell", {"cmd": "echo hi", "cwd": "/"})]
    assert r.model.results_read() == ["ran echo hi"]
    [action] = agent.list_actions(agent_id=who)  # the same action, run once
    assert (action["id"], action["status"]) == (pending["id"], "succeeded")


def test_a_call_denied_in_faramesh_is_a_rejected_approval(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("maf-bridge-deny")
    gate = governance(agent, who, approvals="framework")
    r = Run(gate, "run_shell", {"cmd": "rm -rf /"})
    first = r.run()
    human = approve_when_pending(approver, who, r.calls, approve=False)
    [response] = asyncio.run(gate.approval_responses(first.user_input_requests))
    human.join(5)
    assert response.approved is False
    assert (response.additional_properties["faramesh_status"], response.additional_properties["faramesh_reason"]) == ("denied", "checked by test human")
    assert r.run(Message(role="user", contents=[response])).text == "done"
    assert r.model.results_read() == ["Error: Tool call invocation was rejected by user."]
    assert r.calls == []
    assert [a["status"] for a in agent.list_actions(agent_id=who)] == ["denied"]


def test_the_frameworks_approval_alone_never_runs_a_call_faramesh_has_not_approved(
    agent: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("maf-bridge-bypass")
    r = Run(governance(agent, who, approvals="framework", approval_timeout=0.5), "run_shell", {"cmd": "ls"})
    [request] = r.run().user_input_requests
    # The application approves in the framework by itself; Faramesh is still waiting for a human.
    assert r.run(Message(role="user", contents=[request.to_function_approval_response(True)])).text == "done"
    [read] = r.model.results_read()
    assert "the tool did not run" in read and "no decision" in read
    assert r.calls == []
    assert [a["status"] for a in agent.list_actions(agent_id=who)] == ["pending_approval"]


def test_an_always_require_tools_approval_request_is_answered_by_the_policy(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("maf-always")
    gate = governance(agent, who)
    r = Run(gate, "fetch_checked", {"url": "https://example.com"})
    [request] = r.run().user_input_requests  # the tool's own approval_mode asks first
    assert r.calls == [] and agent.list_actions(agent_id=who) == []
    [response] = asyncio.run(gate.approval_responses([request]))  # http.get: the policy allows it
    assert (response.approved, response.additional_properties["faramesh_status"]) == (True, "allowed")
    assert r.run(Message(role="user", contents=[response])).text == "done"
    assert r.calls == [("fetch_checked", {"url": "https://example.com"})]
    [action] = agent.list_actions(agent_id=who)  # submitted once by approval_responses, found again by the run
    assert action["status"] == "succeeded"


def test_an_always_require_tool_the_policy_denies_is_rejected(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("maf-always-deny")
    gate = governance(agent, who, names={"fetch_checked": ("payments", "wire")})
    r = Run(gate, "fetch_checked", {"url": "https://example.com"})
    [request] = r.run().user_input_requests
    [response] = asyncio.run(gate.approval_responses([request]))
    assert response.approved is False
    assert "Default deny rule" in response.additional_properties["faramesh_reason"]
    r.run(Message(role="user", contents=[response]))
    assert r.calls == []


def test_answering_approvals_fails_closed_when_faramesh_is_unreachable(
    agent: ExecutionGovernorClient, proxy: CuttableProxy, unique: Callable[[str], str]
) -> None:
    from faramesh import FarameshConnectionError

    who = unique("maf-bridge-down")
    r = Run(governance(agent, who), "fetch_checked", {"url": "https://x"})
    [request] = r.run().user_input_requests
    down = governance(ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0), who)
    proxy.stop()
    with pytest.raises(FarameshConnectionError):
        asyncio.run(down.approval_responses([request]))
    assert r.calls == []


def test_a_call_edited_after_submission_is_not_run(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("maf-edited")
    gate = governance(agent, who, approvals="framework")
    r = Run(gate, "run_shell", {"cmd": "echo hi"})
    [request] = r.run().user_input_requests
    approver.approve(request.additional_properties["faramesh_action_id"], reason="ok")
    edited = Content.from_function_approval_request(
        id=request.id,
        function_call=Content.from_function_call(call_id=request.function_call.call_id, name="run_shell", arguments={"cmd": "rm -rf /"}, id=request.function_call.id),
    )
    [response] = asyncio.run(gate.approval_responses([edited]))
    assert (response.approved, response.additional_properties["faramesh_status"]) == (False, "arguments_changed")
    assert r.calls == []


def test_the_example_allows_denies_and_runs_a_call_once_approved(
    server: RunningServer, decide_when_pending: Callable[..., Any], tmp_path: Path
) -> None:
    run_three_call_example(REPO / "examples" / "python" / "agent_framework" / "approval_bridge.py", "example-agent-framework", server, decide_when_pending, tmp_path)
