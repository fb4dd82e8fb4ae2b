"""Standing grants through the SDK, against the real server: made with an approval, used, revoked."""

from __future__ import annotations

from typing import Callable

import pytest

from faramesh import ExecutionGovernorClient, NotFoundError, PermissionDeniedError, ValidationError


def _pending(agent: ExecutionGovernorClient, who: str, cmd: str = "ls -la /tmp") -> dict:
    action = agent.submit_action("shell", "run", {"cmd": cmd}, agent_id=who)
    assert action["status"] == "pending_approval"
    return action


def test_an_approval_with_the_proposed_grant_allows_the_same_call_until_revoked(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    who = unique("grant")
    first = _pending(agent, who)
    proposal = approver.grant_proposal(first["id"])
    assert proposal["scope"]["agent_id"] == who and proposal["high_risk_required"] is False
    approved = approver.approve(first["id"], reason="fine for today", grant={"scope": proposal["scope"], "ttl": "1h", "max_uses": 5})
    assert approved["status"] == "approved"

    grants = approver.list_grants(action_id=first["id"])
    assert [g["action_id"] for g in grants] == [first["id"]] and grants.next_cursor is None
    grant = approver.get_grant(grants[0]["id"])
    assert (grant["state"], grant["uses"], grant["max_uses"]) == ("active", 0, 5)

    again = agent.submit_action("shell", "run", {"cmd": "ls  -la /tmp"}, agent_id=who)
    assert (again["status"], again["reason_code"], again["grant_id"]) == ("allowed", "grant", grant["id"])
    assert approver.get_grant(grant["id"])["uses"] == 1

    revoked = approver.revoke_grant(grant["id"], reason="done")
    assert (revoked["state"], revoked["revoke_reason"], revoked["revoked_by"]) == ("revoked", "done", "alice")
    assert grant["id"] not in {g["id"] for g in approver.list_grants()}
    assert grant["id"] in {g["id"] for g in approver.list_grants(state="all", action_id=first["id"])}
    assert agent.submit_action("shell", "run", {"cmd": "ls -la /tmp"}, agent_id=who)["status"] == "pending_approval"


def test_a_grant_longer_than_the_maximum_is_a_validation_error(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = _pending(agent, unique("grantttl"))
    scope = approver.grant_proposal(action["id"])["scope"]
    with pytest.raises(ValidationError) as err:
        approver.approve(action["id"], grant={"scope": scope, "ttl": "30d"})
    assert (err.value.code, err.value.status) == ("grant_ttl_too_long", 400)
    assert approver.get_action(action["id"])["status"] == "pending_approval"  # nothing was decided


def test_a_high_risk_grant_from_an_approver_is_permission_denied(
    agent: ExecutionGovernorClient, approver: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = _pending(agent, unique("granthigh"))
    scope = approver.grant_proposal(action["id"])["scope"]
    with pytest.raises(PermissionDeniedError) as err:
        approver.approve(action["id"], grant={"scope": scope, "ttl": "1h", "high_risk": True})
    assert (err.value.code, err.value.status) == ("grant_forbidden", 403)


def test_an_unknown_grant_is_not_found(approver: ExecutionGovernorClient) -> None:
    with pytest.raises(NotFoundError) as err:
        approver.get_grant("00000000-0000-4000-8000-000000000000")
    assert (err.value.code, err.value.status) == ("grant_not_found", 404)
    with pytest.raises(NotFoundError):
        approver.revoke_grant("00000000-0000-4000-8000-000000000000")


def test_agents_cannot_read_grants(agent: ExecutionGovernorClient) -> None:
    with pytest.raises(PermissionDeniedError) as err:
        agent.list_grants()
    assert (err.value.code, err.value.status) == ("forbidden", 403)
