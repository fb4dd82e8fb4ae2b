"""Tokens, notifications, readiness and policy reloads through the SDK, against the real server."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from faramesh import (
    AuthenticationError,
    ConflictError,
    ExecutionGovernorClient,
    NotFoundError,
    PermissionDeniedError,
)

from .server import RunningServer, start_server


def test_a_created_token_works_until_it_is_revoked(server: RunningServer, admin: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    name = unique("tok")
    created = admin.create_token(name, "approver", groups=["finance"], expires_in="1d")
    assert created["secret"].startswith(created["prefix"]) and created["status"] == "active"
    assert ExecutionGovernorClient(server.url, created["secret"]).whoami()["name"] == name

    listed = admin.list_tokens(limit=1000)
    assert name in {t["name"] for t in listed} and all("secret" not in t for t in listed)
    assert admin.get_token(name)["id"] == created["id"]
    with pytest.raises(ConflictError) as taken:
        admin.create_token(name, "agent")
    assert (taken.value.code, taken.value.status) == ("token_name_taken", 409)

    revoked = admin.revoke_token(created["id"])
    assert (revoked["status"], revoked["revoked_by"]) == ("revoked", "root")
    with pytest.raises(AuthenticationError):
        ExecutionGovernorClient(server.url, created["secret"]).whoami()
    with pytest.raises(NotFoundError) as gone:
        admin.get_token(name)  # by name only while it isn't revoked
    assert (gone.value.code, gone.value.status) == ("token_not_found", 404)


def test_token_pages_follow_next_cursor(admin: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    for _ in range(2):
        admin.create_token(unique("page"), "agent")
    first = admin.list_tokens(limit=1)
    assert len(first) == 1 and first.next_cursor is not None
    second = admin.list_tokens(limit=1, after=first.next_cursor)
    assert len(second) == 1 and second[0]["id"] != first[0]["id"]


def test_only_admins_manage_tokens(approver: ExecutionGovernorClient) -> None:
    with pytest.raises(PermissionDeniedError) as err:
        approver.list_tokens()
    assert (err.value.code, err.value.status) == ("forbidden", 403)


def test_notifications_of_a_server_without_channels(
    agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("notif"))
    assert list(admin.action_notifications(action["id"])) == []
    assert isinstance(admin.list_notifications(state="dead"), list)
    with pytest.raises(NotFoundError) as channel:
        admin.test_channel("nowhere")
    assert (channel.value.code, channel.value.status) == ("channel_not_found", 404)
    with pytest.raises(NotFoundError) as missing:
        admin.retry_notification("00000000-0000-4000-8000-000000000000")
    assert (missing.value.code, missing.value.status) == ("notification_not_found", 404)


def test_ready_shows_checks_to_admins_only(server: RunningServer, admin: ExecutionGovernorClient) -> None:
    full = admin.ready()
    assert (full["ready"], full["reasons"]) == (True, []) and full["checks"]["database"]["ok"] is True
    public = ExecutionGovernorClient(server.url).ready()
    assert public["ready"] is True and "checks" not in public


def test_a_not_ready_server_is_answered_not_raised(tmp_path: Path) -> None:
    srv = start_server(tmp_path, env={"FARAMESH_MIN_FREE_BYTES": str(2**53 - 1)})
    try:
        answer = ExecutionGovernorClient(srv.url).ready()
        assert (answer["ready"], answer["status"]) == (False, "unready") and "disk_full" in answer["reasons"]
    finally:
        srv.stop()


def test_reloading_the_policy_is_for_admins(admin: ExecutionGovernorClient, approver: ExecutionGovernorClient) -> None:
    before = admin.get_policy()
    reloaded = admin.reload_policy()
    assert reloaded["hash"] == before["hash"] and reloaded["last_error"] is None
    with pytest.raises(PermissionDeniedError):
        approver.reload_policy()
