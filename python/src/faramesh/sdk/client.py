"""`ExecutionGovernorClient`: the seed's Python client, plus waiting, streaming and fail-open/closed."""

from __future__ import annotations

import logging
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional

from ..config import ClientConfig
from ..errors import (
    ActionCancelledError,
    ApprovalTimeoutError,
    FarameshConnectionError,
    FarameshError,
    FarameshTimeoutError,
    InvalidTransitionError,
    PermissionDeniedError,
    ServiceUnavailableError,
)
from ..outbox import Outbox, QueuedSubmission
from ..sse import EventStream, StatusCallback
from ..transport import Transport
from ..withdraw import WITHDRAW_TIMEOUT_S, CancelSignal, CancelWatcher

log = logging.getLogger("faramesh")

Action = Dict[str, Any]
LOCAL_ID_PREFIX = "local-"
_UNREACHABLE = (FarameshConnectionError, FarameshTimeoutError, ServiceUnavailableError)
_LONG_POLL_MAX_S = 60.0
# With a cancel event, a failed cancel must not hold the caller for a whole 60 s long-poll.
_CANCELLABLE_POLL_MAX_S = 10.0


class ActionPage(List[Action]):
    """A page of `list_actions`: a plain list of actions that also carries the paging metadata."""

    def __init__(self, items: List[Action], *, total: int, limit: int, offset: int, next_cursor: Optional[str]) -> None:
        super().__init__(items)
        self.total = total
        self.limit = limit
        self.offset = offset
        self.next_cursor = next_cursor


def _quote(action_id: str) -> str:
    return urllib.parse.quote(str(action_id), safe="")


class ExecutionGovernorClient:
    """Client for one Faramesh server.

    Configuration comes from the arguments, else `FARAMESH_BASE_URL` / `FARAMESH_TOKEN` /
    `FARAMESH_TIMEOUT` / `FARAMESH_FAIL_OPEN`, else defaults (`http://127.0.0.1:8000`, no token, 10 s,
    fail-closed). Fail-closed means an unreachable server raises; with `fail_open=True` a submit is let
    through as `allowed` and queued, and the queue is replayed (same Idempotency-Key) once the server answers.
    """

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

    def __repr__(self) -> str:
        return f"ExecutionGovernorClient({self.base_url!r}, fail_open={self.config.fail_open})"

    # --- the seed's methods ------------------------------------------------------------------------

    def submit_action(
        self,
        tool: str,
        operation: str,
        params: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        agent_id: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> Action:
        """Submit a tool call for a decision. `agent_id` may be given here or as `context["agent_id"]`.

        Every submit carries an Idempotency-Key (generated unless given), so a retry after a lost answer
        returns the same action instead of creating a duplicate.
        """
        body: Dict[str, Any] = {"tool": tool, "operation": operation, "params": dict(params or {})}
        if context is not None:
            body["context"] = dict(context)
        agent = agent_id or (context or {}).get("agent_id")
        if agent is not None:
            body["agent_id"] = str(agent)
        key = idempotency_key or str(uuid.uuid4())
        if len(self.outbox):
            self.flush_outbox()
        try:
            resp = self._transport.request("POST", "/v1/actions", body=body, headers={"Idempotency-Key": key}, retry=True)
        except _UNREACHABLE as err:
            if not self.config.fail_open:
                raise
            return self._let_through(body, key, err)
        return dict(resp.body)

    def get_action(self, action_id: str) -> Action:
        """The action by full id or a unique prefix of 4+ hex characters."""
        return dict(self._transport.request("GET", f"/v1/actions/{_quote(action_id)}").body)

    def list_actions(
        self,
        limit: int = 20,
        offset: int = 0,
        *,
        status: Optional[str] = None,
        tool: Optional[str] = None,
        agent_id: Optional[str] = None,
        risk_level: Optional[str] = None,
        cursor: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        q: Optional[str] = None,
        awaiting: Optional[str] = None,
    ) -> ActionPage:
        """Newest first. Returns a list of actions with `.total`, `.limit`, `.offset`, `.next_cursor`.

        `awaiting="me"`: only pending actions the caller may approve or deny now (decided by the server)."""
        query = {
            "limit": limit,
            "offset": offset if cursor is None else None,
            "status": status,
            "tool": tool,
            "agent_id": agent_id,
            "risk_level": risk_level,
            "cursor": cursor,
            "since": since,
            "until": until,
            "q": q,
            "awaiting": awaiting,
        }
        page = self._transport.request("GET", "/v1/actions", query=query).body
        return ActionPage(
            [dict(a) for a in page["items"]],
            total=int(page["total"]),
            limit=int(page["limit"]),
            offset=int(page["offset"]),
            next_cursor=page.get("next_cursor"),
        )

    def get_events(self, action_id: str) -> List[Dict[str, Any]]:
        """The action's ledger events, oldest first."""
        return list(self._transport.request("GET", f"/v1/actions/{_quote(action_id)}/events").body)

    def approve(
        self,
        action_id: str,
        token: Optional[str] = None,
        reason: Optional[str] = None,
        grant: Optional[Mapping[str, Any]] = None,
    ) -> Action:
        """Approve a pending action (approver/admin token). The approval token is fetched when not given.

        ``grant`` also allows calls like this one for a while (a standing grant):
        ``{"scope": {...}, "ttl": "2h", "max_uses": 5, "high_risk": False}`` (``scope`` and ``ttl``
        required; see docs/api.md "Standing grants").
        """
        return self._decide(action_id, True, token, reason, grant)

    def list_grants(self, state: str = "active", limit: int = 100) -> List[Dict[str, Any]]:
        """Standing grants, newest first: ``active`` (usable now) or ``all``."""
        page = self._transport.request("GET", "/v1/grants", query={"state": state, "limit": limit}).body
        return [dict(g) for g in page["items"]]

    def get_grant(self, grant_id: str) -> Dict[str, Any]:
        """One standing grant by id (``NotFoundError`` when there is none)."""
        return dict(self._transport.request("GET", f"/v1/grants/{_quote(grant_id)}").body)

    def revoke_grant(self, grant_id: str, reason: Optional[str] = None) -> Dict[str, Any]:
        """Revoke a standing grant now; the first revocation stands."""
        body: Dict[str, Any] = {} if reason is None else {"reason": str(reason)[:4096]}
        return dict(self._transport.request("POST", f"/v1/grants/{_quote(grant_id)}/revoke", body=body).body)

    def deny(self, action_id: str, token: Optional[str] = None, reason: Optional[str] = None) -> Action:
        """Deny a pending action (approver/admin token)."""
        return self._decide(action_id, False, token, reason)

    def start(self, action_id: str) -> Action:
        """Record that execution of an allowed or approved action began."""
        if action_id.startswith(LOCAL_ID_PREFIX):
            return self._local_start(action_id)
        return dict(self._transport.request("POST", f"/v1/actions/{_quote(action_id)}/start", body={}).body)

    def report_result(self, action_id: str, success: bool, error: Optional[str] = None) -> Action:
        """Record how execution ended (`succeeded` or `failed`, with the error text)."""
        if action_id.startswith(LOCAL_ID_PREFIX):
            return self._local_result(action_id, success, error)
        body = {"success": bool(success), "error": None if error is None else str(error)[:65536]}
        return dict(self._transport.request("POST", f"/v1/actions/{_quote(action_id)}/result", body=body).body)

    def cancel_action(self, action_id: str, reason: Optional[str] = None) -> Action:
        """Withdraw an action that has not started (`pending_approval`, `allowed` or `approved`): it ends
        `cancelled`. Only its submitter or an admin may (`PermissionDeniedError` otherwise); once it has
        started or ended, `InvalidTransitionError`. Takes a full id, never a prefix.
        """
        body: Dict[str, Any] = {} if reason is None else {"reason": str(reason)[:4096]}
        return dict(self._transport.request("POST", f"/v1/actions/{_quote(action_id)}/cancel", body=body).body)

    def replay(self, action_id: str) -> Action:
        """Submit the same request again under the current policy; a new action with `context.replay_of`."""
        return dict(self._transport.request("POST", f"/v1/actions/{_quote(action_id)}/replay", body={}).body)

    # --- beyond the seed ---------------------------------------------------------------------------

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
                resp = self._transport.request(
                    "GET",
                    f"/v1/actions/{_quote(action_id)}/wait",
                    query=query,
                    timeout=self.config.timeout + wait_s,
                )
                last = dict(resp.body)
                if on_progress is not None and last.get("status") == "pending_approval":
                    version = int(last.get("version") or 0)
                    if seen is not None and version > seen:
                        on_progress(last)
                    seen = version
            except _UNREACHABLE:
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

    def stream(
        self,
        *,
        status: Optional[str] = None,
        agent_id: Optional[str] = None,
        tool: Optional[str] = None,
        action_id: Optional[str] = None,
        last_event_id: Optional[int] = None,
        reconnect: bool = True,
        max_reconnects: Optional[int] = None,
        read_timeout: float = 45.0,
        format: Optional[str] = None,
        on_status: Optional[StatusCallback] = None,
    ) -> EventStream:
        """Live ledger events (SSE). Iterating reconnects after a drop and resumes from the last event seen.
        `format="unnamed"` asks for frames without `event:` (the name is then read from the data's `type`)."""
        return EventStream(
            self._transport,
            filters={"status": status, "agent_id": agent_id, "tool": tool, "action_id": action_id, "format": format},
            last_event_id=last_event_id,
            reconnect=reconnect,
            max_reconnects=max_reconnects,
            read_timeout=read_timeout,
            on_status=on_status,
        )

    def explain(self, action_id: str) -> Dict[str, Any]:
        """`{action, explanation}`: every rule of the current policy tried against this action."""
        return dict(self._transport.request("GET", f"/v1/actions/{_quote(action_id)}/explain").body)

    def whoami(self) -> Dict[str, Any]:
        return dict(self._transport.request("GET", "/v1/auth/whoami").body)

    def get_policy(self) -> Dict[str, Any]:
        return dict(self._transport.request("GET", "/v1/policy").body)

    def health(self) -> Dict[str, Any]:
        return dict(self._transport.request("GET", "/health").body)

    def playground_eval(
        self,
        tool: str,
        operation: str,
        params: Optional[Mapping[str, Any]] = None,
        context: Optional[Mapping[str, Any]] = None,
        *,
        agent_id: Optional[str] = None,
        policy: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Evaluate without storing anything."""
        body: Dict[str, Any] = {"tool": tool, "operation": operation, "params": dict(params or {})}
        if context is not None:
            body["context"] = dict(context)
        if agent_id is not None:
            body["agent_id"] = agent_id
        if policy is not None:
            body["policy"] = policy
        return dict(self._transport.request("POST", "/playground/eval", body=body).body)

    def flush_outbox(self) -> List[Action]:
        """Record fail-open submissions now that the server answers; returns the recorded actions.

        Each is sent with its original Idempotency-Key and `context.faramesh_fail_open = true`; a result
        reported while offline is reported too (the server refuses it if the action was not allowed,
        which leaves the ledger showing exactly that).
        """
        recorded: List[Action] = []
        items = self.outbox.take_all()
        for i, item in enumerate(items):
            try:
                resp = self._transport.request(
                    "POST", "/v1/actions", body=item.body, headers={"Idempotency-Key": item.idempotency_key}, retry=False
                )
            except _UNREACHABLE:
                self.outbox.put_back(items[i:])
                break
            action = dict(resp.body)
            recorded.append(action)
            self._recorded_ids[item.local_id] = str(action["id"])
            if item.result is not None:
                success, error = item.result
                try:
                    self.report_result(str(action["id"]), success=success, error=error)
                except (InvalidTransitionError, FarameshError) as err:
                    log.warning("faramesh: could not record the offline result of %s: %s", action["id"], err)
        return recorded

    # --- internals ---------------------------------------------------------------------------------

    def _decide(
        self,
        action_id: str,
        approve: bool,
        token: Optional[str],
        reason: Optional[str],
        grant: Optional[Mapping[str, Any]] = None,
    ) -> Action:
        current = self.get_action(action_id)
        token = token or current.get("approval_token")
        if not token:
            raise PermissionDeniedError(
                "no approval token: pass token=, or use an approver/admin client (agents never see approval tokens)",
                code="approval_token_missing",
            )
        body: Dict[str, Any] = {"token": token, "approve": approve, "request_hash": current["request_hash"]}
        if reason is not None:
            body["reason"] = reason
        if grant is not None:
            body["grant"] = dict(grant)
        return dict(self._transport.request("POST", f"/v1/actions/{_quote(current['id'])}/approval", body=body).body)

    def _withdraw(self, action_id: str, reason: str) -> None:
        """Best-effort, bounded cancel of an action the caller no longer waits for; never raises."""
        try:
            self._transport.request(
                "POST",
                f"/v1/actions/{_quote(action_id)}/cancel",
                body={"reason": reason},
                timeout=WITHDRAW_TIMEOUT_S,
                retry=False,
            )
        except FarameshError as err:
            log.warning("faramesh: could not withdraw action %s: %s", action_id, err)

    def _let_through(self, body: Dict[str, Any], key: str, err: Exception) -> Action:
        log.warning("faramesh: %s; fail-open: letting %s.%s through and queueing it", err, body["tool"], body["operation"])
        queued_body = dict(body)
        queued_body["context"] = {**dict(body.get("context") or {}), "faramesh_fail_open": True}
        local_id = LOCAL_ID_PREFIX + key
        self.outbox.add(QueuedSubmission(local_id=local_id, idempotency_key=key, body=queued_body))
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return {
            "id": local_id,
            "agent_id": body.get("agent_id"),
            "tool": body["tool"],
            "operation": body["operation"],
            "params": body.get("params", {}),
            "context": queued_body["context"],
            "status": "allowed",
            "decision": "allow",
            "reason": f"Faramesh unreachable, fail-open: {err}",
            "reason_code": "fail_open",
            "risk_level": None,
            "created_at": now,
            "updated_at": now,
        }

    def _local_start(self, action_id: str) -> Action:
        item = self.outbox.find(action_id)
        if item is not None:
            item.started = True
        return {"id": action_id, "status": "executing"}

    def _local_result(self, action_id: str, success: bool, error: Optional[str]) -> Action:
        item = self.outbox.find(action_id)
        if item is not None:
            item.result = (bool(success), error)
        elif action_id in self._recorded_ids:
            return self.report_result(self._recorded_ids[action_id], success=success, error=error)
        return {"id": action_id, "status": "succeeded" if success else "failed", "result_error": error}
