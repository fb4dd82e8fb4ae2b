"""Submissions let through while the server was unreachable (fail-open), kept so they are recorded later."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple


@dataclass
class QueuedSubmission:
    """One fail-open submission: its body and key, and the result reported while still offline."""

    local_id: str
    idempotency_key: str
    body: Dict[str, Any]
    result: Optional[Tuple[bool, Optional[str]]] = None
    started: bool = False


@dataclass
class Outbox:
    """Thread-safe FIFO of fail-open submissions. Lives in memory: a crash loses what was not replayed."""

    _items: List[QueuedSubmission] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: QueuedSubmission) -> None:
        with self._lock:
            self._items.append(item)

    def find(self, local_id: str) -> Optional[QueuedSubmission]:
        with self._lock:
            return next((i for i in self._items if i.local_id == local_id), None)

    def take_all(self) -> List[QueuedSubmission]:
        with self._lock:
            items, self._items = self._items, []
            return items

    def put_back(self, items: List[QueuedSubmission]) -> None:
        with self._lock:
            self._items[:0] = items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
