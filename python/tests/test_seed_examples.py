"""The FaraCore README's Python examples run as written against our server.

Each file in `seed_examples/` is the README's code, verbatim. The one substitution is the address:
the README hard-codes `http://127.0.0.1:8000`, and the test server listens on a free port. The token
comes from `FARAMESH_TOKEN`, as it would for a user.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

from faramesh import ExecutionGovernorClient

from .server import AGENT_TOKEN, RunningServer

SEEDS = Path(__file__).parent / "seed_examples"


@pytest.fixture
def run_seed(server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Dict[str, Any]]:
    monkeypatch.setenv("FARAMESH_TOKEN", AGENT_TOKEN)

    def run(name: str) -> Dict[str, Any]:
        source = (SEEDS / name).read_text().replace("http://127.0.0.1:8000", server.url)
        namespace: Dict[str, Any] = {"__name__": f"seed_{name[:-3]}"}
        exec(compile(source, str(SEEDS / name), "exec"), namespace)  # noqa: S102 (our own fixture files)
        return namespace

    return run


def test_quick_start_submits_a_shell_command(run_seed: Callable[[str], Dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_seed("quick_start.py")
    assert ns["action"]["status"] == "pending_approval"
    out = capsys.readouterr().out
    assert "Status: pending_approval" in out and "Risk Level: medium" in out


def test_sdk_integration_waits_for_approval_and_reports(
    run_seed: Callable[[str], Dict[str, Any]], decide_when_pending: Callable[..., Any], agent: ExecutionGovernorClient
) -> None:
    decide_when_pending("my-agent")
    ns = run_seed("sdk_integration.py")
    assert ns["updated"]["status"] == "approved"
    assert agent.get_action(ns["action"]["id"])["status"] == "succeeded"


def test_example_1_runs_the_command_only_after_approval(
    run_seed: Callable[[str], Dict[str, Any]], decide_when_pending: Callable[..., Any], agent: ExecutionGovernorClient
) -> None:
    ns = run_seed("example1_basic_agent.py")
    decide_when_pending("my-bot")
    assert ns["execute_command"]("echo seed-ok") == "seed-ok\n"
    [latest] = agent.list_actions(limit=1, agent_id="my-bot")
    assert latest["status"] == "succeeded"


def test_example_1_raises_permission_error_on_denial(
    run_seed: Callable[[str], Dict[str, Any]], decide_when_pending: Callable[..., Any], tmp_path: Path
) -> None:
    ns = run_seed("example1_basic_agent.py")
    decide_when_pending("my-bot", approve=False)
    marker = tmp_path / "ran"
    with pytest.raises(PermissionError):
        ns["execute_command"](f"touch {marker}")
    assert not marker.exists()


def test_langchain_governed_tool_runs_the_shell_tool_after_approval(
    run_seed: Callable[[str], Dict[str, Any]],
    decide_when_pending: Callable[..., Any],
    agent: ExecutionGovernorClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if importlib.util.find_spec("langchain") is None:
        from . import langchain_shell_shim

        package = types.ModuleType("langchain")
        package.__path__ = []  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "langchain", package)
        monkeypatch.setitem(sys.modules, "langchain.tools", langchain_shell_shim)
    decide_when_pending("my-langchain-agent")
    ns = run_seed("langchain_basic.py")
    assert "seed_examples" in ns["result"] or "total" in ns["result"]
    [action] = agent.list_actions(limit=1, agent_id="my-langchain-agent")
    assert (action["tool"], action["operation"], action["params"]["cmd"]) == ("shell", "run", "ls -la")
    assert action["status"] == "succeeded"
