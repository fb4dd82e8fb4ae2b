"""The LangGraph example's documented flow, exactly as its docstring says: run it (it pauses), approve
with the CLI, run it again. The rerun resumes the same action — one action, and the command runs once —
instead of submitting a new one on every run and leaving orphans pending."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator

import pytest

pytest.importorskip("langgraph.checkpoint.sqlite")

from faramesh import ExecutionGovernorClient  # noqa: E402

from .server import ADMIN_TOKEN, AGENT_TOKEN, APPROVER_TOKEN, REPO, RunningServer, start_server  # noqa: E402

EXAMPLE = REPO / "examples" / "python" / "langgraph" / "approval_interrupt.py"
OUTPUT = "hello from an approved command"


@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of its own: the example's agent id is fixed, and other tests run this example too."""
    srv = start_server(tmp_path_factory.mktemp("faramesh-lg-example"))
    yield srv
    srv.stop()


def env_for(server: RunningServer, token: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FARAMESH_", "FARACORE_", "FARA_"))}
    return {**env, "FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": token}


def run_example(server: RunningServer, cwd: Path) -> "subprocess.CompletedProcess[str]":
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env_for(server, AGENT_TOKEN), cwd=str(cwd), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_run_approve_rerun_resumes_the_same_action_and_runs_it_once(own_server: RunningServer, tmp_path: Path) -> None:
    admin = ExecutionGovernorClient(own_server.url, ADMIN_TOKEN)
    first = run_example(own_server, tmp_path)
    assert first.stdout.startswith("paused, waiting for approval of ") and OUTPUT not in first.stdout
    action_id = first.stdout.split()[-1]

    # Rerun before anyone decided: still the same action, nothing new submitted, nothing run.
    again = run_example(own_server, tmp_path)
    assert again.stdout.split()[-1] == action_id
    assert [a["id"] for a in admin.list_actions(agent_id="example-langgraph")] == [action_id]

    approve = subprocess.run(
        [sys.executable, "-m", "faramesh.cli", "approve", action_id[:8]],
        env=env_for(own_server, APPROVER_TOKEN),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert approve.returncode == 0, approve.stderr

    resumed = run_example(own_server, tmp_path)
    assert resumed.stdout.count(OUTPUT) == 1
    [action] = admin.list_actions(agent_id="example-langgraph")
    assert (action["id"], action["status"]) == (action_id, "succeeded")
    assert [e["event_type"] for e in admin.get_events(action_id)].count("started") == 1
