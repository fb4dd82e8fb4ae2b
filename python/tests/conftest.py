"""Session fixtures: one real Faramesh server for the whole run, plus clients in each role."""

from __future__ import annotations

import os
import threading
import urllib.parse
from pathlib import Path
from typing import Callable, Iterator

import pytest

from faramesh.sdk.client import Action, ExecutionGovernorClient

from .proxy import CuttableProxy
from .server import ADMIN_TOKEN, AGENT_TOKEN, APPROVER_TOKEN, RunningServer, start_server

# CrewAI and friends must never phone home from the test run.
os.environ.setdefault("OTEL_SDK_DISABLED", "true")
os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("CREWAI_DISABLE_TRACKING", "true")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    srv = start_server(tmp_path_factory.mktemp("faramesh"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def expiring_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Approvals expire after one second here."""
    srv = start_server(tmp_path_factory.mktemp("faramesh-ttl"), env={"FARAMESH_APPROVAL_TTL": "1"})
    yield srv
    srv.stop()


@pytest.fixture
def agent(server: RunningServer) -> ExecutionGovernorClient:
    return ExecutionGovernorClient(server.url, AGENT_TOKEN, approval_timeout=10)


@pytest.fixture
def approver(server: RunningServer) -> ExecutionGovernorClient:
    return ExecutionGovernorClient(server.url, APPROVER_TOKEN)


@pytest.fixture
def admin(server: RunningServer) -> ExecutionGovernorClient:
    return ExecutionGovernorClient(server.url, ADMIN_TOKEN)


@pytest.fixture
def proxy(server: RunningServer) -> Iterator[CuttableProxy]:
    host_port = urllib.parse.urlsplit(server.url)
    p = CuttableProxy((host_port.hostname or "127.0.0.1", host_port.port or 80))
    yield p
    p.stop()


@pytest.fixture
def unique() -> Callable[[str], str]:
    counter = iter(range(1_000_000))
    pid = os.getpid()
    return lambda prefix: f"{prefix}-{pid}-{threading.get_ident() % 10000}-{next(counter)}-{os.urandom(3).hex()}"


@pytest.fixture
def decide_when_pending(approver: ExecutionGovernorClient) -> Iterator[Callable[..., threading.Thread]]:
    """Start a background human: waits (via the SSE stream) for a pending action of `agent_id`, then decides."""
    threads: list[threading.Thread] = []

    def start(agent_id: str, approve: bool = True, count: int = 1) -> threading.Thread:
        # Actions already pending for this agent belong to someone else's test.
        stale = {a["id"] for a in approver.list_actions(limit=500, agent_id=agent_id, status="pending_approval")}

        def human() -> None:
            stream = approver.stream(agent_id=agent_id, status="pending_approval", last_event_id=0)
            seen: set[str] = set()
            decided: list[str] = []
            for ev in stream:
                aid = ev.action["id"]
                if ev.action["status"] != "pending_approval" or aid in seen or aid in stale:
                    continue
                seen.add(aid)
                current: Action = approver.get_action(aid)
                if current["status"] != "pending_approval":
                    continue  # an older action of this agent, already settled
                (approver.approve if approve else approver.deny)(aid, reason="test human")
                decided.append(aid)
                if len(decided) >= count:
                    stream.close()
                    return

        t = threading.Thread(target=human, daemon=True)
        t.start()
        threads.append(t)
        return t

    yield start
    for t in threads:
        t.join(timeout=5)
