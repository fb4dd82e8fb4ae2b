"""Every example in examples/python runs against a local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .server import AGENT_TOKEN, REPO, RunningServer

EXAMPLES = sorted((REPO / "examples" / "python").glob("*/*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in EXAMPLES])
def test_example_runs(script: object, server: RunningServer, tmp_path: Path) -> None:
    env = {**os.environ, "FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": AGENT_TOKEN}
    # In a scratch directory: examples may leave files there (the LangGraph checkpoint).
    done = subprocess.run([sys.executable, str(script)], env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
