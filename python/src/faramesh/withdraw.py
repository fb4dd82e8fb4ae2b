"""Withdrawing an action the caller stopped waiting for: `cancel_event` and Ctrl-C while waiting."""

from __future__ import annotations

import threading
from typing import Callable, Optional, Protocol

# How long a best-effort cancel may take before the interrupted caller gets its exception anyway.
WITHDRAW_TIMEOUT_S = 5.0
# How often a waiting call looks at its cancel event (a thread beside the long-poll; no extra requests).
_WATCH_INTERVAL_S = 0.1


class CancelSignal(Protocol):
    """Anything with `is_set()`, such as a `threading.Event`: once set, the wait withdraws its action."""

    def is_set(self) -> bool: ...


class AnyOf:
    """Set as soon as any of its signals is set (the caller's cancel event, or a task's cancellation)."""

    def __init__(self, *signals: Optional[CancelSignal]) -> None:
        self._signals = [s for s in signals if s is not None]

    def is_set(self) -> bool:
        return any(s.is_set() for s in self._signals)


class CancelWatcher:
    """Runs `withdraw` once, in a daemon thread, as soon as `signal` is set, until `stop()`.

    The cancel then ends the server's long-poll at once (the action leaves `pending_approval`), so the
    blocked wait returns without polling.
    """

    def __init__(self, signal: CancelSignal, withdraw: Callable[[], None]) -> None:
        self._signal = signal
        self._withdraw = withdraw
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faramesh-cancel-watcher", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(_WATCH_INTERVAL_S):
            if self._signal.is_set():
                self._withdraw()
                return

    def stop(self) -> None:
        self._done.set()
