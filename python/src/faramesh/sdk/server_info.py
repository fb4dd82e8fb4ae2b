"""Who the server takes the caller for, and whether it is alive and ready."""

from __future__ import annotations

import json
from typing import Any, Dict, cast

from ..errors import ServiceUnavailableError
from .client_base import ClientBase
from .wire_types import Readiness


class ServerInfoCalls(ClientBase):
    """`/v1/auth/whoami`, `/health`, `/ready`."""

    def whoami(self) -> Dict[str, Any]:
        """`{name, role, open_mode, shared_identity, separation_of_duties, groups, source, ...}`."""
        return dict(self._get("/v1/auth/whoami"))

    def health(self) -> Dict[str, Any]:
        """`{status: "ok"}` while the process is alive."""
        return dict(self._get("/health"))

    def ready(self) -> Readiness:
        """Readiness: a not-ready server's 503 is answered (``ready`` False, with ``reasons``), not raised;
        ``checks`` only for an admin token. A 503 without a readiness body raises ``ServiceUnavailableError``."""
        with self._transport.open("GET", "/ready", accept=(503,)) as resp:
            raw = resp.read().decode("utf-8")
            status = resp.status
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("ready"), bool):
            raise ServiceUnavailableError("server not ready", code="not_ready", status=status, details=raw[:200])
        return cast(Readiness, body)
