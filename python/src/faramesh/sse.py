"""Server-Sent Events from `GET /v1/events`: a frame parser and an iterator that resumes after a drop."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

from .errors import FarameshConnectionError, FarameshError, FarameshTimeoutError, ServiceUnavailableError
from .transport import Transport


@dataclass
class Frame:
    """One raw SSE frame."""

    id: Optional[str] = None
    event: Optional[str] = None
    data: str = ""
    retry: Optional[int] = None


@dataclass
class StreamEvent:
    """One ledger event as the stream delivers it: `action` is the full action after the change."""

    seq: int
    name: str
    action: Dict[str, Any]
    event: Dict[str, Any] = field(default_factory=dict)
    data: Dict[str, Any] = field(default_factory=dict)
    """The frame's whole JSON payload (`action`, `event`, and whatever else the server sends)."""

    @property
    def event_type(self) -> str:
        return str(self.event.get("event_type", ""))


def parse_frames(lines: Iterable[str]) -> Iterator[Frame]:
    """Parse SSE lines (without or with their newline) into frames, per the WHATWG rules we need."""
    frame = Frame()
    data: List[str] = []
    seen = False
    for raw in lines:
        line = raw.rstrip("\r\n")
        if line == "":
            if seen:
                frame.data = "\n".join(data)
                yield frame
            frame, data, seen = Frame(), [], False
            continue
        if line.startswith(":"):
            continue  # comment (heartbeat)
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        seen = True
        if name == "data":
            data.append(value)
        elif name == "id":
            frame.id = value
        elif name == "event":
            frame.event = value
        elif name == "retry" and value.isdigit():
            frame.retry = int(value)


StatusCallback = Callable[[str, int, float], None]
"""`on_status(state, attempt, delay_s)`: `"reconnecting"` before each wait to reconnect, `"open"` once a
connection is established again after one."""


class EventStream:
    """Iterates ledger events; on a dropped connection it reconnects with `Last-Event-ID`, so no event
    is lost or repeated. `last_event_id` is the sequence of the last event delivered."""

    def __init__(
        self,
        transport: Transport,
        *,
        filters: Optional[Dict[str, Any]] = None,
        last_event_id: Optional[int] = None,
        reconnect: bool = True,
        max_reconnects: Optional[int] = None,
        read_timeout: float = 45.0,
        on_status: Optional[StatusCallback] = None,
    ) -> None:
        self._transport = transport
        self._on_status = on_status
        self._filters = {k: v for k, v in (filters or {}).items() if v is not None}
        self.last_event_id = last_event_id
        self._reconnect = reconnect
        self._max_reconnects = max_reconnects
        self._read_timeout = read_timeout  # heartbeats come every 15 s; silence this long means a dead link
        self._retry_ms = 1000
        self._response: Any = None
        self._closed = False
        self.reconnects = 0

    def __iter__(self) -> Iterator[StreamEvent]:
        failures = 0
        while not self._closed:
            try:
                for ev in self._one_connection():
                    failures = 0
                    yield ev
                    if self._closed:
                        return
                if self._closed:
                    return
            except (FarameshConnectionError, FarameshTimeoutError, ServiceUnavailableError, OSError, ValueError):
                if self._closed:
                    return
                failures += 1
            except FarameshError:
                raise
            if not self._reconnect:
                return
            if self._max_reconnects is not None and self.reconnects >= self._max_reconnects:
                raise FarameshConnectionError(self._transport.config.base_url, "event stream lost; gave up reconnecting")
            self.reconnects += 1
            delay = min(self._retry_ms / 1000.0 * max(failures, 1), 5.0) if failures else 0.05
            if self._on_status is not None:
                self._on_status("reconnecting", self.reconnects, delay)
            time.sleep(delay)

    def _one_connection(self) -> Iterator[StreamEvent]:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        resp = self._transport.open("GET", "/v1/events", query=self._filters, headers=headers, timeout=self._read_timeout)
        self._response = resp
        if self.reconnects and self._on_status is not None:
            self._on_status("open", self.reconnects, 0.0)
        try:
            for frame in parse_frames(_lines(resp)):
                if frame.retry is not None:
                    self._retry_ms = frame.retry
                if not frame.data:
                    continue  # the greeting frame carries only id/retry
                payload = json.loads(frame.data)
                seq = int(frame.id) if frame.id and frame.id.isdigit() else int(payload.get("event", {}).get("seq", 0))
                self.last_event_id = seq
                yield StreamEvent(
                    seq=seq,
                    name=frame.event or str(payload.get("type") or "message"),  # unnamed frames: name in `type`
                    action=payload.get("action", {}),
                    event=payload.get("event", {}),
                    data=payload,
                )
        finally:
            self._response = None
            try:
                resp.close()
            except OSError:
                pass

    def close(self) -> None:
        """Stop iterating (safe from another thread)."""
        self._closed = True
        resp = self._response
        if resp is not None:
            try:
                resp.fp.raw._sock.shutdown(socket.SHUT_RDWR)  # wake a blocked read
            except (AttributeError, OSError):
                pass

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _lines(resp: Any) -> Iterator[str]:
    while True:
        line = resp.readline()
        if not line:
            return  # server closed the stream
        yield line.decode("utf-8")
