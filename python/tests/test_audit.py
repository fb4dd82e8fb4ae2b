"""The ledger's audit through the SDK: verify, checkpoint, export and archive, against real servers."""

from __future__ import annotations

import itertools
import time
from typing import Callable, Iterator

import pytest

from faramesh import ExecutionGovernorClient, PermissionDeniedError, ServiceUnavailableError, ValidationError

from .server import ADMIN_TOKEN, AGENT_TOKEN, RunningServer, start_server


@pytest.fixture(scope="module")
def archiving_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of its own with FARAMESH_ARCHIVE_DIR: archiving removes finished actions."""
    workdir = tmp_path_factory.mktemp("faramesh-archive")
    srv = start_server(workdir, env={"FARAMESH_ARCHIVE_DIR": str(workdir / "archive")})
    srv.archive_dir = workdir / "archive"  # type: ignore[attr-defined]
    yield srv
    srv.stop()


def _finished(agent: ExecutionGovernorClient, who: str) -> dict:
    action = agent.submit_action("http", "get", {"url": "https://example.com"}, agent_id=who)
    agent.start(action["id"])
    return agent.report_result(action["id"], success=True)


def test_verify_checkpoint_and_export_read_the_same_ledger(
    agent: ExecutionGovernorClient, admin: ExecutionGovernorClient, unique: Callable[[str], str]
) -> None:
    done = _finished(agent, unique("audit"))
    audit = admin.audit_verify()
    assert audit["ok"] is True and audit["problem_count"] == 0 and audit["events"] >= 3
    checkpoint = admin.audit_checkpoint()
    assert checkpoint["seq"] >= audit["head"]["seq"] and len(checkpoint["hash"]) == 64

    events = list(admin.audit_export(after=max(0, checkpoint["seq"] - 50)))
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    mine = [e["event_type"] for e in events if e["action_id"] == done["id"]]
    assert mine == ["created", "decision_made", "started", "succeeded"]
    head = list(itertools.islice(admin.audit_export(), 2))
    assert [e["seq"] for e in head] == [1, 2]  # a partial read stops early


def test_agents_may_not_verify_the_ledger(agent: ExecutionGovernorClient) -> None:
    with pytest.raises(PermissionDeniedError):
        agent.audit_verify()


def test_archiving_without_an_archive_directory_is_not_configured(admin: ExecutionGovernorClient) -> None:
    with pytest.raises(ServiceUnavailableError) as err:
        admin.audit_archive("1d")
    assert (err.value.code, err.value.status) == ("archive_not_configured", 501)


def test_a_dry_run_reports_and_an_archive_removes_finished_actions(archiving_server: RunningServer, unique: Callable[[str], str]) -> None:
    admin = ExecutionGovernorClient(archiving_server.url, ADMIN_TOKEN)
    agent = ExecutionGovernorClient(archiving_server.url, AGENT_TOKEN)
    done = _finished(agent, unique("archive"))
    time.sleep(1.2)  # the cutoff is an age counted back from now, in whole seconds

    dry = admin.audit_archive("1s", dry_run=True)
    assert (dry["archived"], dry["dry_run"]) == (False, True) and dry["event_count"] >= 3
    assert admin.get_action(done["id"])["status"] == "succeeded"  # a dry run changes nothing

    result = admin.audit_archive("1s")
    assert result["archived"] is True and result["removed_actions"] >= 1
    assert result["range"] == dry["range"] and result["segments"]
    assert all((archiving_server.archive_dir / s["file"]).is_file() for s in result["segments"])  # type: ignore[attr-defined]
    assert done["id"] not in {a["id"] for a in admin.list_actions(limit=500)}
    assert admin.audit_verify()["ok"] is True


def test_a_cutoff_in_the_future_is_a_validation_error(archiving_server: RunningServer) -> None:
    admin = ExecutionGovernorClient(archiving_server.url, ADMIN_TOKEN)
    with pytest.raises(ValidationError) as err:
        admin.audit_archive("2999-01-01T00:00:00Z")
    assert (err.value.code, err.value.status) == ("validation_failed", 400)
