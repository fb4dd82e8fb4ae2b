"""Waiting for a person's decision: the server's long-poll, withdrawn when the caller stops waiting."""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Dict, Optional

from ..errors import ActionCancelledError, ApprovalTimeoutError, FarameshError
from ..withdraw import WITHDRAW_TIMEOUT_S, CancelSignal, CancelWatcher
from .client_base import UNREACHABLE, Action, ClientBase, quote_id

log = logging.getLogger("faramesh")

_LONG_POLL_MAX_S = 60.0
# With a cancel event, a failed cancel must not hold the caller for a whole 60 s long-poll.
_CANCELLABLE_POLL_MAX_S = 10.0


class WaitCalls(ClientBase):
    """`wait_for_decision` over `GET /v1/actions/{id}/wait`."""

    def wait_for_decision(
        self,
        action_id: str,
        timeout: Optional[float] = None,
        *,
        cancel_event: Optional[CancelSignal] = None,
        cancel_on_interrupt: bool = True,
        on_progress: Optional[Callable[[Action], None]] = None,
    ) -> Action:
        """Block until the action leaves `pending_approval` and return it (approved, denied, expired...).

        It never returns on a partial approval: `on_progress` is called with the still-pending action
        each time its approval progress changes (an approval of a quorum recorded, an escalation step
        fired); read it with `faramesh.approval.approval_progress`.

        Uses the server's long-poll, so it returns as soon as someone decides. Raises
        `ApprovalTimeoutError` (with `.action`) if it is still pending after `timeout` seconds
        (default: the client's `approval_timeout`), and a connection error if the server stays
        unreachable past the deadline: never a silent "go ahead".

        An agent that stops waiting withdraws its action, so it doesn't sit in the approvers' queue
        until it expires: on Ctrl-C (`KeyboardInterrupt`, re-raised) unless `cancel_on_interrupt=False`,
        and when `cancel_event` (e.g. a `threading.Event`) is set, which raises `ActionCancelledError`.
        The cancel is best effort and bounded (5 s); only the submitter (or an admin) may cancel.
        """
        watcher = None
        if cancel_event is not None:
            watcher = CancelWatcher(cancel_event, lambda: self._withdraw(action_id, "the waiting caller cancelled"))
        try:
            return self._wait(action_id, timeout, cancel_event, on_progress)
        except KeyboardInterrupt:
            if cancel_on_interrupt:
                self._withdraw(action_id, "the waiting caller was interrupted")
            raise
        finally:
            if watcher is not None:
                watcher.stop()

    def _wait(
        self,
        action_id: str,
        timeout: Optional[float],
        cancel_event: Optional[CancelSignal],
        on_progress: Optional[Callable[[Action], None]] = None,
    ) -> Action:
        limit = self.config.approval_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        longest = _LONG_POLL_MAX_S if cancel_event is None else _CANCELLABLE_POLL_MAX_S
        last: Optional[Action] = None
        seen: Optional[int] = None
        while True:
            remaining = deadline - time.monotonic()
            # With a progress listener, a first look (no wait) learns the version later long-polls
            # watch (`after_version`): they then also answer when the action changes while pending.
            first_look = on_progress is not None and seen is None
            wait_s = 0.0 if first_look else max(0.0, min(remaining, longest))
            query: Dict[str, Any] = {"timeout_ms": int(wait_s * 1000)}
            if on_progress is not None and seen is not None:
                query["after_version"] = seen
            try:
                last = dict(
                    self._get(f"/v1/actions/{quote_id(action_id)}/wait", query, timeout=self.config.timeout + wait_s)
                )
                if on_progress is not None and last.get("status") == "pending_approval":
                    version = int(last.get("version") or 0)
                    if seen is not None and version > seen:
                        on_progress(last)
                    seen = version
            except UNREACHABLE:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
            if cancel_event is not None and cancel_event.is_set():
                raise ActionCancelledError(
                    f"stopped waiting for action {action_id}: the caller cancelled it",
                    code="action_cancelled",
                    action=last,
                )
            if last is not None and last.get("status") != "pending_approval":
                return last
            if time.monotonic() >= deadline:
                raise ApprovalTimeoutError(
                    f"no decision on action {action_id} within {limit:g}s",
                    code="approval_timeout",
                    action=last,
                )

    def _withdraw(self, action_id: str, reason: str) -> None:
        """Best-effort, bounded cancel of an action the caller no longer waits for; never raises."""
        try:
            self._transport.request(
                "POST",
                f"/v1/actions/{quote_id(action_id)}/cancel",
                body={"reason": reason},
                timeout=WITHDRAW_TIMEOUT_S,
                retry=False,
            )
        except FarameshError as err:
            log.warning("faramesh: could not withdraw action %s: %s", action_id, err)
