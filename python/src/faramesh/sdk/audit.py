"""The ledger's audit: verify the hash chain, checkpoint it, archive its old part, export it."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, cast

from ..errors import FarameshError
from .client_base import ClientBase
from .wire_types import LedgerArchiveResult, LedgerAudit, LedgerCheckpoint

# Verifying and archiving walk the whole ledger: minutes on a large one.
_VERIFY_TIMEOUT_S = 600.0
_ARCHIVE_TIMEOUT_S = 3600.0
# One exported line is one event with its action snapshot; a line longer than this is refused,
# so a broken or hostile server cannot make the reader buffer without bound.
MAX_EXPORT_LINE_BYTES = 16 * 1024 * 1024


class AuditCalls(ClientBase):
    """`/v1/audit/*` (verify: approver/admin; checkpoints and archive: admin)."""

    def audit_verify(self) -> LedgerAudit:
        """Recompute the whole hash-chained ledger; ``ok`` is False with ``problems`` when it doesn't hold."""
        return cast(LedgerAudit, dict(self._get("/v1/audit/verify", timeout=_VERIFY_TIMEOUT_S)))

    def audit_checkpoint(self) -> LedgerCheckpoint:
        """Verify the ledger up to its head and record a (signed, with FARAMESH_LEDGER_KEY) checkpoint (admin)."""
        return cast(LedgerCheckpoint, dict(self._post("/v1/audit/checkpoints")))

    def audit_archive(self, before: str, *, dry_run: bool = False) -> LedgerArchiveResult:
        """Archive the ledger up to ``before`` (an age like ``90d`` or an ISO date-time with its zone) into
        segment files in the server's FARAMESH_ARCHIVE_DIR, removing the archived, finished actions (admin).

        ``dry_run=True`` reports what would be archived and changes nothing. Errors: ``ValidationError``
        for a bad or future cutoff, ``ServiceUnavailableError`` ``archive_not_configured`` (501) without
        an archive directory, ``ConflictError`` ``archive_in_progress`` / ``archive_conflict``. Never
        retried; the answer can take minutes on a large backlog (the timeout is an hour).
        """
        body = {"before": before, "dry_run": bool(dry_run)}
        return cast(LedgerArchiveResult, dict(self._post("/v1/audit/archive", body, timeout=_ARCHIVE_TIMEOUT_S)))

    def audit_export(self, after: int = 0) -> Iterator[Dict[str, Any]]:
        """The ledger from position ``after`` on, one event (with its action snapshot) at a time, read as
        JSON lines while they arrive. Close the iterator (or leave the loop) to stop early."""
        resp = self._transport.open(
            "GET", "/v1/audit/export", query={"after": int(after)}, headers={"Accept": "application/x-ndjson"}
        )
        with resp:
            while True:
                line = resp.readline(MAX_EXPORT_LINE_BYTES + 1)
                if not line:
                    return
                if len(line) > MAX_EXPORT_LINE_BYTES:
                    raise FarameshError(
                        f"an exported ledger line is longer than {MAX_EXPORT_LINE_BYTES} bytes",
                        code="export_line_too_long",
                    )
                if line.strip():
                    yield dict(json.loads(line))
