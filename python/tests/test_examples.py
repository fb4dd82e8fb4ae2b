"""Every example in examples/python runs against a local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from .server import AGENT_TOKEN, REPO, RunningServer

# Frameworks tested in their own virtual environments run their examples there (test_autogen.py, …).
OWN_VENV = {"autogen", "agent_framework"}
EXAMPLES = sorted(p for p in (REPO / "examples" / "python").glob("*/*.py") if p.parent.name not in OWN_VENV)


def run_example(script: Path, server: RunningServer, tmp_path: Path) -> str:
    """Runs `script` with this interpreter against `server`; its output, once it exited 0."""
    env = {**os.environ, "FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": AGENT_TOKEN}
    # In a scratch directory: examples may leave files there (the LangGraph checkpoint).
    done = subprocess.run([sys.executable, str(script)], env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_three_call_example(script: Path, agent_id: str, server: RunningServer, decide_when_pending: Callable[..., Any], tmp_path: Path) -> None:
    """Runs an example whose scripted model asks for `fetch` (allowed), `refund` (denied) and `run_shell`
    (held for approval), with a human approving the held call through the API."""
    decide_when_pending(agent_id)
    out = run_example(script, server, tmp_path)
    assert "fetch ran for https://example.com" in out and "run_shell ran: echo hello" in out
    assert "refund ran" not in out and "Faramesh denied stripe.refund" in out
    assert "agent finished: All done." in out


@pytest.mark.parametrize("script", EXAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in EXAMPLES])
def test_example_runs(script: Path, server: RunningServer, tmp_path: Path) -> None:
    run_example(script, server, tmp_path)
