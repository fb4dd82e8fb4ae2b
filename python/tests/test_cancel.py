"""Withdrawing actions (`cancel_action`, interrupted waits) and approvals that lapse before they start."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

from faramesh import (
    ActionCancelledError,
    ActionExpiredError,
    ApprovalExpiredError,
    ExecutionGovernorClient,
    InvalidTransitionError,
    PermissionDeniedError,
    governed,
)

from .server import ADMIN_TOKEN, AGENT_TOKEN, APPROVER_TOKEN, RunningServer, start_server


def _wait_until_pending(client: ExecutionGovernorClient, agent_id: str) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = client.list_actions(agent_id=agent_id, status="pending_approval")
        if found:
            return str(found[0]["id"])
        time.sleep(0.05)
    raise AssertionError(f"no pending action for {agent_id}")


def _cancel_event(approver: ExecutionGovernorClient, agent_id: str) -> tuple[threading.Event, List[str]]:
    """An event set as soon as the agent's action is pending; the id goes into the list."""
    event = threading.Event()
    ids: List[str] = []

    def watch() -> None:
        ids.append(_wait_until_pending(approver, agent_id))
        event.set()

    threading.Thread(target=watch, daemon=True).start()
    return event, ids


def test_the_submitter_cancels_its_pending_action_with_a_reason(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "make deploy"}, agent_id=unique("cancel"))
    cancelled = agent.cancel_action(action["id"], reason="no longer needed")
    assert cancelled["status"] == "cancelled"
    last = agent.get_events(action["id"])[-1]
    assert last["event_type"] == "cancelled"
    assert last["meta"]["reason"] == "no longer needed" and last["meta"]["from"] == "pending_approval"
    with pytest.raises(InvalidTransitionError):
        agent.cancel_action(action["id"])
    with pytest.raises(InvalidTransitionError):
        approver.approve(action["id"], token="x" * 43)


def test_an_approver_who_did_not_submit_it_may_not_cancel_but_an_admin_may(
    agent: ExecutionGovernorClient,
    approver: ExecutionGovernorClient,
    admin: ExecutionGovernorClient,
    unique: Callable[[str], str],
) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("cancel403"))
    with pytest.raises(PermissionDeniedError) as err:
        approver.cancel_action(action["id"])
    assert err.value.code == "forbidden" and err.value.status == 403
    assert admin.cancel_action(action["id"], reason="cleanup")["status"] == "cancelled"


def test_a_cancel_event_withdraws_the_action_and_ends_the_wait_at_once(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    agent_id = unique("cancelevent")
    event, ids = _cancel_event(approver, agent_id)
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=agent_id)
    started = time.monotonic()
    with pytest.raises(ActionCancelledError) as err:
        agent.wait_for_decision(action["id"], timeout=60, cancel_event=event)
    assert time.monotonic() - started < 5
    assert err.value.code == "action_cancelled"
    assert ids == [action["id"]]
    assert approver.get_action(action["id"])["status"] == "cancelled"


def test_ctrl_c_while_waiting_withdraws_the_action_and_re_raises(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    assert threading.current_thread() is threading.main_thread()
    agent_id = unique("ctrlc")
    action = agent.submit_action("shell", "run", {"cmd": "sleep 1"}, agent_id=agent_id)
    # A real SIGINT, as a terminal sends it: it interrupts the blocked long-poll read.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        agent.wait_for_decision(action["id"], timeout=30)
    timer.join()
    assert approver.get_action(action["id"])["status"] == "cancelled"
    assert "interrupted" in approver.get_events(action["id"])[-1]["meta"]["reason"]


def test_ctrl_c_leaves_the_action_pending_when_asked_not_to_cancel(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("ctrlckeep"))
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        agent.wait_for_decision(action["id"], timeout=30, cancel_on_interrupt=False)
    timer.join()
    assert approver.get_action(action["id"])["status"] == "pending_approval"


def test_governed_withdraws_on_its_cancel_event_and_never_runs_the_function(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    agent_id = unique("govcancel")
    event, ids = _cancel_event(approver, agent_id)
    calls: List[str] = []

    @governed(agent, tool="shell", operation="run", agent_id=agent_id, cancel_event=event)
    def run(cmd: str) -> None:
        calls.append(cmd)

    with pytest.raises(ActionCancelledError):
        run("rm -rf build")
    assert calls == []
    assert approver.get_action(ids[0])["status"] == "cancelled"


def test_cancelling_an_async_governed_call_withdraws_its_action(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    agent_id = unique("asynccancel")
    calls: List[str] = []

    @governed(agent, tool="shell", operation="run", agent_id=agent_id)
    async def run(cmd: str) -> None:
        calls.append(cmd)

    async def main() -> str:
        task = asyncio.ensure_future(run("terraform destroy"))
        action_id = await asyncio.to_thread(_wait_until_pending, approver, agent_id)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return action_id

    action_id = asyncio.run(main())
    assert calls == []
    assert approver.get_action(action_id)["status"] == "cancelled"


@pytest.fixture(scope="module")
def lapsing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Approvals lapse one second after they are given here."""
    srv = start_server(Path(tmp_path_factory.mktemp("faramesh-approved-ttl")), env={"FARAMESH_APPROVED_TTL": "1"})
    yield srv
    srv.stop()


def test_an_approval_not_started_in_time_lapses_and_start_is_refused(
    lapsing_server: RunningServer, unique: Callable[[str], str]
) -> None:
    agent = ExecutionGovernorClient(lapsing_server.url, AGENT_TOKEN)
    approver = ExecutionGovernorClient(lapsing_server.url, APPROVER_TOKEN)
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("lapse"))
    approved = approver.approve(action["id"])
    assert approved["status"] == "approved" and approved["approval_expires_at"] is not None
    time.sleep(1.2)
    with pytest.raises(ApprovalExpiredError) as err:
        agent.start(action["id"])
    assert err.value.code == "approval_expired" and err.value.status == 409
    assert err.value.details["from"] == "approved"
    assert agent.get_action(action["id"])["status"] == "expired"


def test_governed_reports_a_lapsed_approval_as_expired_and_never_runs(
    lapsing_server: RunningServer, unique: Callable[[str], str]
) -> None:
    agent = ExecutionGovernorClient(lapsing_server.url, AGENT_TOKEN, approval_timeout=30)
    admin = ExecutionGovernorClient(lapsing_server.url, ADMIN_TOKEN)
    agent_id = unique("lapsegov")
    calls: List[str] = []
    slow_start = threading.Event()
    original_start = agent.start

    def late_start(action_id: str) -> dict:
        time.sleep(1.2)  # the agent is busy between the approval and the start
        slow_start.set()
        return original_start(action_id)

    agent.start = late_start  # type: ignore[method-assign]

    @governed(agent, tool="shell", operation="run", agent_id=agent_id)
    def run(cmd: str) -> None:
        calls.append(cmd)

    threading.Thread(target=lambda: admin.approve(_wait_until_pending(admin, agent_id)), daemon=True).start()
    with pytest.raises(ActionExpiredError) as err:
        run("make release")
    assert slow_start.is_set() and calls == []
    assert err.value.code == "action_expired" and "lapsed" in err.value.message
