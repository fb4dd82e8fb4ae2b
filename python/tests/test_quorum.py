"""Team approvals from Python: the typed progress of a 2-of-N quorum, waiting only for the final
decision, and the Python CLI's `approve` / `list --mine`, against the real server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator, List

import pytest

from faramesh.approval import STREAM_EVENT_NAMES, approval_progress, progress_text
from faramesh.errors import PermissionDeniedError
from faramesh.sdk.client import Action, ExecutionGovernorClient

from .server import RunningServer, start_server

POLICY = """
groups:
  finance: [alice, bob]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    approvers: [finance]
    approvals: 2
  - match: { tool: "*" }
    allow: true
"""
TOKENS = {"alice": "alice-token-0001", "bob": "bob-token-00002", "erin": "erin-token-0005", "bot": "bot-token-000006"}


@pytest.fixture(scope="module")
def quorum_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("faramesh-quorum")
    policy = root / "policy.yaml"
    policy.write_text(POLICY)
    env = {
        "FARAMESH_TOKENS": ",".join(
            f"{name}:{'agent' if name == 'bot' else 'approver'}:{token}" for name, token in TOKENS.items()
        ),
        "FARAMESH_AGENT_BINDINGS": "",
    }
    srv = start_server(root, env=env, policy=policy)
    yield srv
    srv.stop()


def client(server: RunningServer, who: str) -> ExecutionGovernorClient:
    return ExecutionGovernorClient(server.url, TOKENS[who], approval_timeout=20)


def refund(server: RunningServer) -> Action:
    return client(server, "bot").submit_action("stripe", "refund", {"amount": 5000}, agent_id="bot")


def py_cli(server: RunningServer, who: str, *args: str) -> "subprocess.CompletedProcess[str]":
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FARAMESH_", "FARACORE_", "FARA_"))}
    env.update({"FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": TOKENS[who], "NO_COLOR": "1", "TZ": "UTC"})
    return subprocess.run([sys.executable, "-m", "faramesh.cli", *args], env=env, capture_output=True, text=True, timeout=30)


def test_wait_for_decision_returns_only_on_the_final_approval_and_reports_progress(quorum_server: RunningServer) -> None:
    action = refund(quorum_server)
    progress: List[Action] = []
    result: List[Action] = []
    waiter = threading.Thread(
        target=lambda: result.append(
            client(quorum_server, "bot").wait_for_decision(action["id"], timeout=20, on_progress=progress.append)
        )
    )
    waiter.start()
    partial = client(quorum_server, "alice").approve(action["id"], reason="order checked")
    typed = approval_progress(partial)
    assert typed["approvals_required"] == 2
    assert [vote["by"] for vote in typed["approvals"]] == ["alice"]
    assert typed["waiting_for"] is not None and typed["waiting_for"]["identities"] == ["bob"]
    assert progress_text(partial) == "approved 1 of 2; waiting for finance"
    waiter.join(0.5)
    assert result == []  # still waiting: a partial approval is not a decision
    client(quorum_server, "bob").approve(action["id"])
    waiter.join(15)
    assert result and result[0]["status"] == "approved"
    assert [approval_progress(p)["approvals"][0]["by"] for p in progress] == ["alice"]
    assert STREAM_EVENT_NAMES["approval_recorded"] == "action.approval_recorded"


def test_someone_outside_the_approvers_gets_a_permission_error_naming_who_may(quorum_server: RunningServer) -> None:
    action = refund(quorum_server)
    with pytest.raises(PermissionDeniedError) as raised:
        client(quorum_server, "erin").approve(action["id"])
    assert raised.value.code == "not_an_approver"
    assert raised.value.details["who_may"]["text"] == "finance"


def test_the_python_cli_prints_the_progress_and_lists_what_waits_for_me(quorum_server: RunningServer) -> None:
    action = refund(quorum_server)
    short = action["id"][:8]
    assert short in py_cli(quorum_server, "alice", "list", "--mine").stdout
    assert py_cli(quorum_server, "erin", "list", "--mine").stdout == "Nothing is waiting for you.\n"
    first = py_cli(quorum_server, "alice", "approve", short, "--reason", "checked")
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"✓ Approved {short} (stripe refund): approved 1 of 2; waiting for finance\n"
    assert short not in py_cli(quorum_server, "alice", "list", "--mine").stdout
    second = py_cli(quorum_server, "bob", "approve", short)
    assert second.stdout == f"✓ Approved {short} (stripe refund): approved (2 of 2 approvals)\n"
