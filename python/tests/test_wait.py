"""`wait_for_decision` long-polls: it returns as soon as a human decides, and never says yes on timeout."""

from __future__ import annotations

import threading
import time
from typing import Callable

import pytest

from faramesh import ApprovalTimeoutError, ExecutionGovernorClient


def test_returns_the_approved_action_as_soon_as_it_is_approved(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("wait"))
    asked_at: list[float] = []

    def human() -> None:
        time.sleep(0.2)
        asked_at.append(time.monotonic())
        approver.approve(action["id"])

    threading.Thread(target=human).start()
    started = time.monotonic()
    decided = agent.wait_for_decision(action["id"], timeout=120)
    returned = time.monotonic()
    assert decided["status"] == "approved"
    assert asked_at and returned >= asked_at[0]
    # Answered by the approval, long before the deadline (not by a timeout or a later poll round).
    assert returned - started < 60


def test_returns_a_denial(agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("waitdeny"))
    threading.Timer(0.1, lambda: approver.deny(action["id"])).start()
    assert agent.wait_for_decision(action["id"], timeout=30)["status"] == "denied"


def test_returns_at_once_when_already_decided(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("http", "get", {}, agent_id=unique("waitnow"))
    assert agent.wait_for_decision(action["id"], timeout=30)["status"] == "allowed"


def test_times_out_with_a_typed_error_while_still_pending(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("waitlate"))
    with pytest.raises(ApprovalTimeoutError) as err:
        agent.wait_for_decision(action["id"], timeout=0.3)
    assert err.value.action is not None and err.value.action["status"] == "pending_approval"
