"""Break-glass and its mandatory review through the SDK, against the real server."""

from __future__ import annotations

from typing import Callable

import pytest

from faramesh import (
    BadRequestError,
    ConflictError,
    ExecutionGovernorClient,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from faramesh.errors import ApprovalTokenInvalidError


def _pending(agent: ExecutionGovernorClient, who: str) -> dict:
    action = agent.submit_action("shell", "run", {"cmd": "systemctl restart payments"}, agent_id=who)
    assert action["status"] == "pending_approval"
    return action


def test_an_admin_breaks_glass_and_another_approver_acknowledges_the_review(
    agent: ExecutionGovernorClient,
    approver: ExecutionGovernorClient,
    admin: ExecutionGovernorClient,
    unique: Callable[[str], str],
) -> None:
    action = _pending(agent, unique("glass"))
    broken = admin.break_glass(action["id"], "payments outage, finance unreachable")
    assert broken["status"] == "approved"
    assert broken["break_glass"]["by"] == "root" and broken["break_glass"]["review"]["status"] == "open"

    open_reviews = approver.list_reviews()
    mine = [r for r in open_reviews if r["action_id"] == action["id"]]
    assert len(mine) == 1 and mine[0]["reason"] == "payments outage, finance unreachable"
    assert mine[0]["action"]["id"] == action["id"]

    with pytest.raises(PermissionDeniedError) as own:
        admin.acknowledge_review(action["id"])
    assert (own.value.code, own.value.status) == ("self_review_forbidden", 403)

    acked = approver.acknowledge_review(action["id"], note="checked the restart")
    review = acked["break_glass"]["review"]
    assert (review["status"], review["acknowledged_by"], review["note"]) == ("acknowledged", "alice", "checked the restart")
    assert action["id"] not in {r["action_id"] for r in approver.list_reviews()}
    assert action["id"] in {r["action_id"] for r in approver.list_reviews(status="acknowledged", limit=500)}

    with pytest.raises(ConflictError) as again:
        approver.acknowledge_review(action["id"])
    assert (again.value.code, again.value.status) == ("review_already_acknowledged", 409)


def test_break_glass_resolves_an_id_prefix(agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = _pending(agent, unique("glassprefix"))
    assert admin.break_glass(action["id"][:13], "on call, prefix from the pager")["id"] == action["id"]


def test_a_non_admin_breaking_glass_is_permission_denied(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = _pending(agent, unique("glass403"))
    with pytest.raises(PermissionDeniedError) as err:
        approver.break_glass(action["id"], "I am only an approver")
    assert (err.value.code, err.value.status) == ("forbidden", 403)
    assert approver.get_action(action["id"])["status"] == "pending_approval"


def test_a_blank_reason_is_a_bad_request(agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = _pending(agent, unique("glassreason"))
    with pytest.raises(BadRequestError) as err:
        admin.break_glass(action["id"], "   ")
    assert (err.value.code, err.value.status) == ("break_glass_reason_required", 400)


def test_a_stale_request_hash_is_refused(agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = _pending(agent, unique("glasshash"))
    with pytest.raises(ApprovalTokenInvalidError) as err:
        admin.break_glass(action["id"], "outage", request_hash="0" * 64)
    assert (err.value.code, err.value.status) == ("approval_token_invalid", 403)


def test_breaking_glass_on_a_decided_action_is_an_invalid_transition(
    agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    allowed = agent.submit_action("http", "get", {"url": "https://example.com"}, agent_id=unique("glassallowed"))
    with pytest.raises(InvalidTransitionError):
        admin.break_glass(allowed["id"], "nothing to force")


def test_acknowledging_an_action_without_a_review_is_not_found(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = _pending(agent, unique("noreview"))
    with pytest.raises(NotFoundError) as err:
        approver.acknowledge_review(action["id"])
    assert (err.value.code, err.value.status) == ("review_not_found", 404)
