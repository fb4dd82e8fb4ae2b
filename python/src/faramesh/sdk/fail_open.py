"""Fail-open: let a submit through while the server is unreachable, queue it, and record it later."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from ..errors import FarameshError
from ..outbox import QueuedSubmission
from .client_base import UNREACHABLE, Action, ClientBase, quote_id

log = logging.getLogger("faramesh")

LOCAL_ID_PREFIX = "local-"


class FailOpenCalls(ClientBase):
    """The outbox of submissions let through while the server was unreachable (`fail_open=True`)."""

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
            except UNREACHABLE:
                self.outbox.put_back(items[i:])
                break
            action = dict(resp.body)
            recorded.append(action)
            self._recorded_ids[item.local_id] = str(action["id"])
            if item.result is not None:
                success, error = item.result
                try:
                    self._post_result(str(action["id"]), success, error)
                except FarameshError as err:
                    log.warning("faramesh: could not record the offline result of %s: %s", action["id"], err)
        return recorded

    def _post_result(self, action_id: str, success: bool, error: Optional[str]) -> Action:
        body = {"success": bool(success), "error": None if error is None else str(error)[:65536]}
        return dict(self._post(f"/v1/actions/{quote_id(action_id)}/result", body))

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
            return self._post_result(self._recorded_ids[action_id], success, error)
        return {"id": action_id, "status": "succeeded" if success else "failed", "result_error": error}
