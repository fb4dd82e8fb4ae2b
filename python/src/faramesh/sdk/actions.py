"""The action lifecycle as an agent sees it: submit, read, start, report, withdraw, replay, stream."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Mapping, Optional

from ..sse import EventStream, StatusCallback
from .client_base import UNREACHABLE, Action, quote_id
from .fail_open import LOCAL_ID_PREFIX, FailOpenCalls
from .page import ActionPage
from .tool_call import tool_call_body


class ActionCalls(FailOpenCalls):
    """Calls about one action, or the list of them."""

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
        body = tool_call_body(tool, operation, params, context, agent_id or (context or {}).get("agent_id"))
        key = idempotency_key or str(uuid.uuid4())
        if len(self.outbox):
            self.flush_outbox()
        try:
            resp = self._transport.request("POST", "/v1/actions", body=body, headers={"Idempotency-Key": key}, retry=True)
        except UNREACHABLE as err:
            if not self.config.fail_open:
                raise
            return self._let_through(body, key, err)
        return dict(resp.body)

    def get_action(self, action_id: str) -> Action:
        """The action by full id or a unique prefix of 4+ hex characters."""
        return dict(self._get(f"/v1/actions/{quote_id(action_id)}"))

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
        page = self._get("/v1/actions", query)
        return ActionPage(
            [dict(a) for a in page["items"]],
            total=int(page["total"]),
            limit=int(page["limit"]),
            offset=int(page["offset"]),
            next_cursor=page.get("next_cursor"),
        )

    def get_events(self, action_id: str) -> List[Dict[str, Any]]:
        """The action's ledger events, oldest first."""
        return list(self._get(f"/v1/actions/{quote_id(action_id)}/events"))

    def explain(self, action_id: str) -> Dict[str, Any]:
        """`{action, explanation}`: every rule of the current policy tried against this action."""
        return dict(self._get(f"/v1/actions/{quote_id(action_id)}/explain"))

    def start(self, action_id: str) -> Action:
        """Record that execution of an allowed or approved action began."""
        if action_id.startswith(LOCAL_ID_PREFIX):
            return self._local_start(action_id)
        return dict(self._post(f"/v1/actions/{quote_id(action_id)}/start"))

    def report_result(self, action_id: str, success: bool, error: Optional[str] = None) -> Action:
        """Record how execution ended (`succeeded` or `failed`, with the error text)."""
        if action_id.startswith(LOCAL_ID_PREFIX):
            return self._local_result(action_id, success, error)
        return self._post_result(action_id, success, error)

    def cancel_action(self, action_id: str, reason: Optional[str] = None) -> Action:
        """Withdraw an action that has not started (`pending_approval`, `allowed` or `approved`): it ends
        `cancelled`. Only its submitter or an admin may (`PermissionDeniedError` otherwise); once it has
        started or ended, `InvalidTransitionError`. Takes a full id, never a prefix.
        """
        body: Dict[str, Any] = {} if reason is None else {"reason": str(reason)[:4096]}
        return dict(self._post(f"/v1/actions/{quote_id(action_id)}/cancel", body))

    def replay(self, action_id: str) -> Action:
        """Submit the same request again under the current policy; a new action with `context.replay_of`."""
        return dict(self._post(f"/v1/actions/{quote_id(action_id)}/replay"))

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
