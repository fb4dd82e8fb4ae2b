"""One JSON request over urllib, with timeouts, bounded retries and typed errors."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPResponse
from typing import Any, Dict, Mapping, Optional, Tuple

from .config import ClientConfig
from .errors import (
    FarameshConnectionError,
    FarameshError,
    FarameshTimeoutError,
    ServiceUnavailableError,
    error_from_response,
)

USER_AGENT = "faramesh-python/0.1.0"
Query = Mapping[str, Any]


@dataclass
class Response:
    status: int
    headers: Dict[str, str]
    body: Any


def build_url(base_url: str, path: str, query: Optional[Query] = None) -> str:
    url = base_url + path
    if query:
        pairs = {k: ("true" if v is True else "false" if v is False else v) for k, v in query.items() if v is not None}
        if pairs:
            url += "?" + urllib.parse.urlencode(pairs)
    return url


class Transport:
    """Sends requests to one server. Retries only what is safe to repeat."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config

    def headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        out = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self.config.token:
            out["Authorization"] = f"Bearer {self.config.token}"
        if extra:
            out.update(extra)
        return out

    def open(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        accept: Tuple[int, ...] = (),
    ) -> HTTPResponse:
        """Open a raw response (used by the SSE reader); HTTP errors become typed errors, except the
        statuses in `accept`, which are answers (e.g. `/ready`'s 503 with its readiness body)."""
        url = build_url(self.config.base_url, path, query)
        data = None
        hdrs = self.headers(headers)
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
        limit = self.config.timeout if timeout is None else timeout
        try:
            resp: HTTPResponse = urllib.request.urlopen(req, timeout=limit)  # noqa: S310 (http(s) only)
            return resp
        except urllib.error.HTTPError as err:
            if err.code in accept:
                return err  # type: ignore[return-value]  # an HTTPError is also the response
            raw = err.read().decode("utf-8", "replace")
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw
            raise error_from_response(err.code, parsed) from None
        except (socket.timeout, TimeoutError):
            raise FarameshTimeoutError(self.config.base_url, limit) from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise FarameshTimeoutError(self.config.base_url, limit) from None
            raise FarameshConnectionError(self.config.base_url, str(err.reason)) from None
        except (ConnectionError, OSError) as err:
            raise FarameshConnectionError(self.config.base_url, str(err)) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Query] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        retry: Optional[bool] = None,
    ) -> Response:
        """Send one JSON request. `retry` defaults to True for GET only: a POST is retried only when
        the caller says it is safe (an Idempotency-Key makes the server answer a repeat with the same action)."""
        may_retry = (method == "GET") if retry is None else retry
        attempts = 1 + (self.config.max_retries if may_retry else 0)
        last: Optional[FarameshError] = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(0.1 * (2 ** (attempt - 1)), 1.0))
            try:
                with self.open(method, path, query=query, body=body, headers=headers, timeout=timeout) as resp:
                    raw = resp.read().decode("utf-8")
                    parsed = json.loads(raw) if raw else None
                    return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, parsed)
            except (FarameshConnectionError, FarameshTimeoutError, ServiceUnavailableError) as err:
                last = err
            except (socket.timeout, TimeoutError):
                last = FarameshTimeoutError(self.config.base_url, self.config.timeout if timeout is None else timeout)
            except (ConnectionError, OSError) as err:
                last = FarameshConnectionError(self.config.base_url, str(err))
        assert last is not None
        raise last
