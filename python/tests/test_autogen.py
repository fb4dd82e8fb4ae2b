"""Microsoft AutoGen (`autogen-agentchat` 0.7): an `AssistantAgent` whose workbench is governed, driven by
AutoGen's own scripted model (`ReplayChatCompletionClient`) against the real server.

Runs in its own virtual environment (python/.venv-autogen, extra `test-autogen`; see scripts/test.mjs).
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

pytest.importorskip("autogen_agentchat")

from autogen_agentchat.agents import AssistantAgent  # noqa: E402
from autogen_core import CancellationToken, FunctionCall  # noqa: E402
from autogen_core.models import CreateResult, FunctionExecutionResult, FunctionExecutionResultMessage, RequestUsage  # noqa: E402
from autogen_ext.models.replay import ReplayChatCompletionClient  # noqa: E402

from faramesh import ExecutionGovernorClient  # noqa: E402
from faramesh.integrations.autogen import GovernedWorkbench, govern_tools  # noqa: E402

from .proxy import CuttableProxy  # noqa: E402
from .server import AGENT_TOKEN, REPO, RunningServer  # noqa: E402
from .test_examples import run_three_call_example  # noqa: E402

NAMES = {"refund": ("stripe", "refund"), "fetch": ("http", "get"), "run_shell": ("shell", "run"), "wire": ("payments", "wire")}


def tools(calls: List[Tuple[str, Dict[str, Any]]]) -> List[Callable[..., Any]]:
    def refund(amount: int) -> str:
        """Refund money."""
        calls.append(("refund", {"amount": amount}))
        return "refunded"

    async def fetch(url: str) -> str:
        """Fetch a URL."""
        calls.append(("fetch", {"url": url}))
        return "body of " + url

    def run_shell(cmd: str, cwd: str = "/") -> str:
        """Run a shell command."""
        calls.append(("run_shell", {"cmd": cmd, "cwd": cwd}))
        return "ran " + cmd

    def wire(to: str) -> str:
        """Wire money."""
        raise RuntimeError(f"bank rejected the wire to {to}")

    return [refund, fetch, run_shell, wire]


def run_agent(workbench: GovernedWorkbench, name: str, arguments: Dict[str, Any]) -> FunctionExecutionResult:
    """The scripted model calls `name(arguments)` once, then answers "done" after reading the result;
    returns the tool result the model read."""
    return asyncio.run(arun_agent(workbench, name, arguments))


async def arun_agent(
    workbench: GovernedWorkbench, name: str, arguments: Dict[str, Any], token: Optional[CancellationToken] = None
) -> FunctionExecutionResult:
    call = FunctionCall(id="call-1", name=name, arguments=json.dumps(arguments))
    model = ReplayChatCompletionClient(
        [CreateResult(finish_reason="function_calls", content=[call], usage=RequestUsage(prompt_tokens=0, completion_tokens=0), cached=False), "done"]
    )
    agent = AssistantAgent("ops", model_client=model, workbench=workbench, reflect_on_tool_use=True)
    result = await agent.run(task="do it", cancellation_token=token)
    assert result.messages[-1].to_text() == "done"
    [second] = model.create_calls[1:]
    [read] = [m for m in second["messages"] if isinstance(m, FunctionExecutionResultMessage)]
    [answer] = read.content
    assert answer.call_id == "call-1"
    return answer


def governed(client: ExecutionGovernorClient, who: str, calls: List[Tuple[str, Dict[str, Any]]]) -> GovernedWorkbench:
    return govern_tools(tools(calls), client, who, names=NAMES)


def test_an_allowed_call_runs(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("autogen-allow"), []  # type: ignore[var-annotated]
    answer = run_agent(governed(agent, who, calls), "fetch", {"url": "https://example.com"})
    assert (answer.content, answer.is_error) == ("body of https://example.com", False)
    assert calls == [("fetch", {"url": "https://example.com"})]
    [action] = agent.list_actions(agent_id=who)
    assert (action["tool"], action["operation"], action["status"]) == ("http", "get", "succeeded")
    assert action["context"]["framework"] == "autogen"


def test_a_denied_call_never_runs_and_the_model_reads_why(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("autogen-deny"), []  # type: ignore[var-annotated]
    answer = run_agent(governed(agent, who, calls), "refund", {"amount": 5})  # no rule allows stripe.refund
    assert answer.is_error
    assert "Faramesh" in answer.content and "denied stripe.refund" in answer.content and "Default deny rule" in answer.content
    assert "Traceback" not in answer.content
    assert calls == []
    assert [a["status"] for a in agent.list_actions(agent_id=who)] == ["denied"]


def test_an_approved_call_waits_then_runs_exactly_the_submitted_arguments(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who, calls = unique("autogen-approve"), []  # type: ignore[var-annotated]
    seen: List[Dict[str, Any]] = []

    def human() -> None:
        # Approve through the API once the action is pending; meanwhile the tool must not have run.
        for ev in approver.stream(agent_id=who, status="pending_approval", last_event_id=0):
            assert calls == []
            seen.append(ev.action)
            approver.approve(ev.action["id"], reason="looks fine")
            return

    t = threading.Thread(target=human, daemon=True)
    t.start()
    answer = run_agent(governed(agent, who, calls), "run_shell", {"cmd": "echo hi", "cwd": "/tmp"})
    t.join(5)
    assert (answer.content, answer.is_error) == ("ran echo hi", False)
    assert calls == [("run_shell", {"cmd": "echo hi", "cwd": "/tmp"})]
    [action] = agent.list_actions(agent_id=who)
    assert action["id"] == seen[0]["id"]
    assert (action["params"], action["status"]) == ({"cmd": "echo hi", "cwd": "/tmp"}, "succeeded")


def test_a_call_an_approver_denies_never_runs(
    agent: ExecutionGovernorClient, decide_when_pending: Callable[..., Any], unique: Callable[[str], str]
) -> None:
    who, calls = unique("autogen-reject"), []  # type: ignore[var-annotated]
    decide_when_pending(who, approve=False)
    answer = run_agent(governed(agent, who, calls), "run_shell", {"cmd": "rm -rf /"})
    assert answer.is_error and "denied shell.run" in answer.content and "test human" in answer.content
    assert calls == []


def test_an_expired_approval_never_runs(expiring_server: RunningServer, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(expiring_server.url, AGENT_TOKEN, approval_timeout=20)
    who, calls = unique("autogen-expire"), []  # type: ignore[var-annotated]
    answer = run_agent(governed(client, who, calls), "run_shell", {"cmd": "ls"})  # nobody decides within 1 s
    assert answer.is_error and "Faramesh" in answer.content and "expired" in answer.content
    assert calls == []
    assert [a["status"] for a in client.list_actions(agent_id=who)] == ["expired"]


def test_an_unreachable_server_fails_closed(proxy: CuttableProxy, unique: Callable[[str], str]) -> None:
    client = ExecutionGovernorClient(proxy.url, AGENT_TOKEN, max_retries=0)
    proxy.stop()
    calls: List[Tuple[str, Dict[str, Any]]] = []
    answer = run_agent(governed(client, unique("autogen-down"), calls), "fetch", {"url": "https://x"})  # allowed, were it up
    assert answer.is_error and "Faramesh could not be reached" in answer.content
    assert calls == []


def test_a_failing_tool_is_reported_as_failed(agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, calls = unique("autogen-fail"), []  # type: ignore[var-annotated]
    names = {**NAMES, "wire": ("http", "get")}  # allowed, so the tool itself runs and fails
    answer = run_agent(govern_tools(tools(calls), agent, who, names=names), "wire", {"to": "acme"})
    assert answer.is_error and "bank rejected the wire to acme" in answer.content
    [action] = agent.list_actions(agent_id=who)
    assert action["status"] == "failed"


def test_cancelling_the_run_while_it_waits_withdraws_the_action(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who, calls = unique("autogen-cancel"), []  # type: ignore[var-annotated]
    token = CancellationToken()

    def pending() -> None:
        for _ in approver.stream(agent_id=who, status="pending_approval", last_event_id=0):
            return

    async def main() -> FunctionExecutionResult:
        waiting = asyncio.ensure_future(asyncio.to_thread(pending))
        run = asyncio.ensure_future(arun_agent(governed(agent, who, calls), "run_shell", {"cmd": "ls"}, token))
        await waiting
        token.cancel()
        return await run

    answer = asyncio.run(main())
    assert answer.is_error and "cancelled" in answer.content and "withdrawn" in answer.content
    assert calls == []
    assert [a["status"] for a in agent.list_actions(agent_id=who)] == ["cancelled"]


def test_the_example_allows_denies_and_runs_a_call_once_approved(
    server: RunningServer, decide_when_pending: Callable[..., Any], tmp_path: Path
) -> None:
    run_three_call_example(REPO / "examples" / "python" / "autogen" / "governed_workbench.py", "example-autogen", server, decide_when_pending, tmp_path)
