"""Shadow policies through the SDK, against a server of their own (promoting rewrites its policy file)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Iterator

import pytest

from faramesh import ConflictError, ExecutionGovernorClient, NotFoundError, PermissionDeniedError
from faramesh.errors import PolicyInvalidError

from .server import ADMIN_TOKEN, AGENT_TOKEN, APPROVER_TOKEN, DEFAULT_POLICY, RunningServer, start_server

# The default policy with shell allowed instead of sent to approval.
SHELL_ALLOWED = DEFAULT_POLICY.read_text().replace(
    'op: "*"\n    require_approval: true', 'op: "*"\n    allow: true', 1
)


@pytest.fixture(scope="module")
def shadow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    workdir = tmp_path_factory.mktemp("faramesh-shadow")
    policy = workdir / "policy.yaml"
    shutil.copyfile(DEFAULT_POLICY, policy)
    srv = start_server(workdir, policy=policy)
    srv.policy_file = policy  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def test_a_shadow_policy_is_set_reported_on_and_promoted(shadow_server: RunningServer, unique: Callable[[str], str]) -> None:
    admin = ExecutionGovernorClient(shadow_server.url, ADMIN_TOKEN)
    agent = ExecutionGovernorClient(shadow_server.url, AGENT_TOKEN)
    assert SHELL_ALLOWED != DEFAULT_POLICY.read_text()
    assert admin.shadow_policy()["active"] is False
    with pytest.raises(NotFoundError) as none:
        admin.shadow_report()
    assert (none.value.code, none.value.status) == ("shadow_policy_not_set", 404)

    status = admin.set_shadow_policy(SHELL_ALLOWED)
    assert (status["active"], status["source"], status["set_by"]) == (True, "api", "root")
    assert agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("shadow"))["status"] == "pending_approval"

    report = admin.shadow_report(since="1h", examples=2)
    assert report["policy_hash"] == status["hash"] and report["disagreements"] >= 1
    assert any(t["from"] == "require_approval" and t["to"] == "allow" for t in report["transitions"])

    with pytest.raises(ConflictError) as changed:
        admin.promote_shadow_policy(expected_hash="0" * 64)
    assert (changed.value.code, changed.value.status) == ("shadow_policy_changed", 409)

    promoted = admin.promote_shadow_policy(expected_hash=status["hash"])
    assert promoted["policy_hash"] == status["hash"] and promoted["report"]["disagreements"] >= 1
    assert Path(promoted["file"]).read_text() == SHELL_ALLOWED
    assert admin.get_policy()["hash"] == status["hash"]
    assert admin.get_action(promoted["action_id"])["operation"] == "policy.promote"
    assert agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("shadow"))["status"] == "allowed"


def test_clearing_answers_whether_one_was_set(shadow_server: RunningServer) -> None:
    admin = ExecutionGovernorClient(shadow_server.url, ADMIN_TOKEN)
    admin.set_shadow_policy(SHELL_ALLOWED)
    cleared = admin.clear_shadow_policy()
    assert (cleared["cleared"], cleared["active"]) == (True, False)
    assert admin.clear_shadow_policy()["cleared"] is False


def test_an_invalid_shadow_policy_raises_with_diagnostics(shadow_server: RunningServer) -> None:
    admin = ExecutionGovernorClient(shadow_server.url, ADMIN_TOKEN)
    with pytest.raises(PolicyInvalidError) as err:
        admin.set_shadow_policy("rules: [ {match: {tool: x}, allow: maybe} ]")
    assert (err.value.code, err.value.status) == ("policy_invalid", 422)
    assert err.value.details
    assert admin.shadow_policy()["active"] is False


def test_only_an_admin_sets_a_shadow_policy(shadow_server: RunningServer) -> None:
    approver = ExecutionGovernorClient(shadow_server.url, APPROVER_TOKEN)
    assert approver.shadow_policy()["active"] in (True, False)  # approvers may read it
    with pytest.raises(PermissionDeniedError) as err:
        approver.set_shadow_policy(SHELL_ALLOWED)
    assert (err.value.code, err.value.status) == ("forbidden", 403)
