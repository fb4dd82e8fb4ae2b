"""The package as pip would get it: `python -m build` makes a wheel and an sdist with the right
metadata, and the wheel, installed alone into a fresh venv outside the repository, runs the seed's
examples and `python -m faramesh.cli` against the real server."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from faramesh.sdk.client import ExecutionGovernorClient

from .server import ADMIN_TOKEN, AGENT_TOKEN, REPO, RunningServer

PYTHON_DIR = REPO / "python"
SEEDS = Path(__file__).parent / "seed_examples"
VERSION = re.search(r'^version = "([^"]+)"', (PYTHON_DIR / "pyproject.toml").read_text(), re.M).group(1)  # type: ignore[union-attr]


def _env(extra: Dict[str, str]) -> Dict[str, str]:
    """The caller's environment without anything that would import the repository's sources."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FARAMESH_", "FARACORE_", "FARA_", "PYTHON", "VIRTUAL_ENV"))}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def _run(args: List[str], cwd: Path, extra: Dict[str, str], timeout: float = 120) -> "subprocess.CompletedProcess[str]":
    done = subprocess.run(args, cwd=cwd, env=_env(extra), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("build") is None:
        pytest.fail("the `build` package is missing: install the test extras (pip install -e 'python[test]')")
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(PYTHON_DIR)], cwd=out, extra={}, timeout=600)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv holding only the wheel (installed with no index: it needs no dependency)."""
    root = tmp_path_factory.mktemp("venv")
    assert not str(root.resolve()).startswith(str(REPO.resolve()))
    _run([sys.executable, "-m", "venv", str(root / "venv")], cwd=root, extra={})
    python = root / "venv" / "bin" / "python"
    wheel = next(dist.glob("faramesh-*.whl"))
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--disable-pip-version-check", str(wheel)], cwd=root, extra={})
    yield python


def test_the_wheel_has_the_metadata_extras_types_and_script(dist: Path) -> None:
    wheel = zipfile.ZipFile(next(dist.glob(f"faramesh-{VERSION}-py3-none-any.whl")))
    names = set(wheel.namelist())
    assert {"faramesh/py.typed", "faracore/py.typed", f"faramesh-{VERSION}.dist-info/licenses/LICENSE"} <= names
    assert not any(name.startswith("tests/") for name in names)
    # python/LICENSE is a copy (setuptools reads licence files below pyproject.toml): it must not drift.
    assert wheel.read(f"faramesh-{VERSION}.dist-info/licenses/LICENSE") == (REPO / "LICENSE").read_bytes()
    meta = wheel.read(f"faramesh-{VERSION}.dist-info/METADATA").decode()
    assert f"Version: {VERSION}\n" in meta and "Requires-Python: >=3.9\n" in meta
    assert "License-Expression: Elastic-2.0\n" in meta
    assert not any(line.startswith("Requires-Dist:") and "extra ==" not in line for line in meta.splitlines()), "the core needs no dependency"
    for extra in ("langchain", "langgraph", "crewai", "ag2", "llamaindex"):
        assert f"Provides-Extra: {extra}\n" in meta
    entry_points = wheel.read(f"faramesh-{VERSION}.dist-info/entry_points.txt").decode()
    assert "faramesh-py = faramesh.cli:main" in entry_points


def test_the_sdist_builds_the_same_package(dist: Path) -> None:
    with tarfile.open(next(dist.glob(f"faramesh-{VERSION}.tar.gz"))) as sdist:
        names = set(sdist.getnames())
    root = f"faramesh-{VERSION}"
    assert {f"{root}/pyproject.toml", f"{root}/LICENSE", f"{root}/README.md", f"{root}/src/faramesh/py.typed", f"{root}/src/faramesh/canonical.py"} <= names


def test_imports_come_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    out = _run([str(venv), "-c", "import faramesh, faracore.sdk.client; print(faramesh.__file__)"], cwd=tmp_path, extra={})
    assert "site-packages" in out.stdout and str(REPO) not in out.stdout


def _seed(name: str, server: RunningServer, into: Path) -> Path:
    """The seed example as written, pointed at the test server's port (the one substitution)."""
    target = into / name
    target.write_text((SEEDS / name).read_text().replace("http://127.0.0.1:8000", server.url))
    return target


def test_the_seed_quick_start_runs_from_the_wheel(venv: Path, server: RunningServer, tmp_path: Path) -> None:
    out = _run([str(venv), str(_seed("quick_start.py", server, tmp_path))], cwd=tmp_path, extra={"FARAMESH_TOKEN": AGENT_TOKEN})
    assert "Status: pending_approval" in out.stdout and "Risk Level: medium" in out.stdout


def test_the_seed_sdk_integration_waits_for_approval_from_the_wheel(
    venv: Path, server: RunningServer, tmp_path: Path, decide_when_pending: Callable[..., Any], agent: ExecutionGovernorClient
) -> None:
    decide_when_pending("my-agent")
    out = _run([str(venv), str(_seed("sdk_integration.py", server, tmp_path))], cwd=tmp_path, extra={"FARAMESH_TOKEN": AGENT_TOKEN})
    assert "Final status: approved" in out.stdout
    [latest] = agent.list_actions(limit=1, agent_id="my-agent", status="succeeded")
    assert latest["params"] == {"cmd": "echo 'Hello World'"}


def test_the_seed_basic_agent_runs_its_command_after_approval_from_the_wheel(
    venv: Path, server: RunningServer, tmp_path: Path, decide_when_pending: Callable[..., Any]
) -> None:
    script = _seed("example1_basic_agent.py", server, tmp_path)
    decide_when_pending("my-bot")
    call = f"exec(open({str(script)!r}).read()); print(execute_command('echo wheel-ok'), end='')"
    out = _run([str(venv), "-c", call], cwd=tmp_path, extra={"FARAMESH_TOKEN": AGENT_TOKEN})
    assert out.stdout == "wheel-ok\n"


def test_the_cli_runs_from_the_wheel(venv: Path, server: RunningServer, tmp_path: Path, agent: ExecutionGovernorClient) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id="wheel-cli")
    env = {"FARAMESH_BASE_URL": server.url, "FARAMESH_TOKEN": ADMIN_TOKEN}
    listed = _run([str(venv), "-m", "faramesh.cli", "list", "--agent", "wheel-cli"], cwd=tmp_path, extra=env)
    assert action["id"][:8] in listed.stdout
    script = venv.parent / "faramesh-py"
    version = _run([str(script), "--version"], cwd=tmp_path, extra=env)
    assert version.stdout.strip() == VERSION
