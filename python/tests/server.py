"""Start and stop a real Faramesh server (built from this repository) for the tests."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / "packages" / "cli" / "dist" / "bin.js"
DEFAULT_POLICY = REPO / "policies" / "default.yaml"

AGENT_TOKEN = "agent-token-0001"
APPROVER_TOKEN = "approver-token-0001"
ADMIN_TOKEN = "admin-token-0001"
TOKENS = f"agent1:agent:{AGENT_TOKEN},alice:approver:{APPROVER_TOKEN},root:admin:{ADMIN_TOKEN}"
# The suite runs many agents (one unique agent_id per test, and the seed examples' ids) under one
# agent token, so that token is bound to every agent id; the binding itself is tested on the server.
AGENT_BINDINGS = "agent1=*"


@dataclass
class RunningServer:
    url: str
    proc: "subprocess.Popen[str]"
    log: List[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ensure_built() -> None:
    if not CLI.exists():
        subprocess.run(["node", str(REPO / "scripts" / "build.mjs")], cwd=REPO, check=True)


def start_server(db_dir: Path, *, env: Optional[Dict[str, str]] = None, policy: Path = DEFAULT_POLICY) -> RunningServer:
    """`faramesh serve --port 0` on a fresh database; waits for its "listening on" line."""
    ensure_built()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("FARAMESH_", "FARACORE_", "FARA_"))}
    full_env.update({"FARAMESH_TOKENS": TOKENS, "FARAMESH_AGENT_BINDINGS": AGENT_BINDINGS, "NO_COLOR": "1"})
    full_env.update(env or {})
    proc = subprocess.Popen(
        ["node", str(CLI), "serve", "--port", "0", "--policy", str(policy), "--db", str(db_dir / "faramesh.db")],
        cwd=str(db_dir),
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = RunningServer(url="", proc=proc)
    found = threading.Event()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            server.log.append(line)
            m = re.search(r"listening on (http://\S+)", line)
            if m and not found.is_set():
                server.url = m.group(1).rstrip("/")
                found.set()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 30
    while not found.wait(0.05):
        if proc.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("Faramesh server did not start:\n" + "".join(server.log))
    return server
