"""What every call of the client shares: its configuration, the transport and the two ways to call it."""

from __future__ import annotations

import urllib.parse
from typing import Any, Dict, Optional

from ..config import ClientConfig
from ..errors import FarameshConnectionError, FarameshTimeoutError, ServiceUnavailableError
from ..outbox import Outbox
from ..transport import Query, Transport

Action = Dict[str, Any]
# The server could not answer at all: what fail-open and the waits treat as "unreachable".
UNREACHABLE = (FarameshConnectionError, FarameshTimeoutError, ServiceUnavailableError)


def quote_id(value: str) -> str:
    """One path segment: an id, prefix or name, percent-encoded so it can't reach another route."""
    return urllib.parse.quote(str(value), safe="")


class ClientBase:
    """Configuration comes from the arguments, else `FARAMESH_BASE_URL` / `FARAMESH_TOKEN` /
    `FARAMESH_TIMEOUT` / `FARAMESH_FAIL_OPEN`, else defaults (`http://127.0.0.1:8000`, no token, 10 s,
    fail-closed)."""

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        fail_open: Optional[bool] = None,
        approval_timeout: Optional[float] = None,
    ) -> None:
        self.config = ClientConfig.resolve(
            base_url,
            token,
            timeout=timeout,
            max_retries=max_retries,
            fail_open=fail_open,
            approval_timeout=approval_timeout,
        )
        self._transport = Transport(self.config)
        self.outbox = Outbox()
        self._recorded_ids: Dict[str, str] = {}  # fail-open local id -> id the server gave it later

    @property
    def base_url(self) -> str:
        return self.config.base_url

    def _get(self, path: str, query: Optional[Query] = None, *, timeout: Optional[float] = None) -> Any:
        """A GET, retried on a dropped connection (reading twice changes nothing)."""
        return self._transport.request("GET", path, query=query, timeout=timeout).body

    def _post(self, path: str, body: Any = None, *, timeout: Optional[float] = None) -> Any:
        """A POST, never retried: a second attempt could act twice."""
        return self._transport.request("POST", path, body={} if body is None else body, timeout=timeout).body

    def _delete(self, path: str) -> Any:
        return self._transport.request("DELETE", path).body
