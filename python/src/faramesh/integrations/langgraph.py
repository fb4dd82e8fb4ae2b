"""LangGraph integration (extra `faramesh[langgraph]`): `require_approval` becomes an `interrupt`, so the
graph's checkpointer holds the pause instead of a blocked thread.

Inside a node:

    action = governed_step(client, send_refund, amount=5000, tool="stripe", operation="refund", agent_id="a")

The first run submits the action; if it needs approval the node interrupts with
`{"faramesh_action_id", "tool", "operation", "params", "reason", "risk_level"}`. After a human decides in
Faramesh, resume with `Command(resume=<anything, e.g. the action id>)`: the node runs again, finds the
same action (the submit is idempotent per thread and step), asks the server for the decision and runs
the function only if it was approved. The resume value never approves anything by itself.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Dict, Mapping, Optional

from langgraph.config import get_config
from langgraph.types import interrupt

from ..governed import arguments_of, execute, jsonable, require_runnable
from ..sdk.client import Action, ExecutionGovernorClient


def _step_key(tool: str, operation: str, agent_id: Optional[str], params: Mapping[str, Any]) -> str:
    """An Idempotency-Key stable across the re-runs of one node in one thread, so resuming finds the same action."""
    try:
        cfg = get_config().get("configurable", {})
    except RuntimeError:
        cfg = {}
    scope = {
        "thread": cfg.get("thread_id"),
        "ns": cfg.get("checkpoint_ns"),
        "tool": tool,
        "operation": operation,
        "agent_id": agent_id,
        "params": params,
    }
    digest = hashlib.sha256(json.dumps(scope, sort_keys=True, default=repr).encode()).hexdigest()
    return f"langgraph-{digest[:48]}"


def require_approval(
    client: ExecutionGovernorClient,
    *,
    tool: str,
    operation: str,
    params: Mapping[str, Any],
    agent_id: Optional[str] = None,
    context: Optional[Mapping[str, Any]] = None,
    resume_wait: float = 0.0,
) -> Action:
    """Call inside a node. Returns the allowed/approved action; interrupts while approval is pending;
    raises `ActionDeniedError`/`ActionExpiredError` (or `ApprovalTimeoutError` if resumed while still pending).

    `resume_wait` is how long to long-poll for the decision after a resume (0 = the decision must
    already have been made).
    """
    clean = jsonable(dict(params))
    action = client.submit_action(
        tool,
        operation,
        clean,
        {**dict(context or {}), "framework": "langgraph"},
        agent_id=agent_id,
        idempotency_key=_step_key(tool, operation, agent_id, clean),
    )
    if action.get("status") == "pending_approval":
        interrupt(
            {
                "faramesh_action_id": action["id"],
                "tool": tool,
                "operation": operation,
                "params": clean,
                "reason": action.get("reason"),
                "risk_level": action.get("risk_level"),
            }
        )
        # Resumed: the server, not the resume value, says whether it was approved.
        action = client.wait_for_decision(str(action["id"]), timeout=resume_wait)
    return require_runnable(action)


def governed_step(
    client: ExecutionGovernorClient,
    fn: Callable[..., Any],
    *args: Any,
    tool: str,
    operation: str,
    agent_id: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    context: Optional[Mapping[str, Any]] = None,
    resume_wait: float = 0.0,
    **kwargs: Any,
) -> Any:
    """Call inside a node: `require_approval`, then run `fn(*args, **kwargs)` once and report its result.

    Keep one governed step per node: a node re-runs from its start on resume, and an action that
    already ran is never run again (it raises `ActionNotRunnableError`).
    """
    action = require_approval(
        client,
        tool=tool,
        operation=operation,
        params=params if params is not None else arguments_of(fn, args, kwargs),
        agent_id=agent_id,
        context=context,
        resume_wait=resume_wait,
    )
    return execute(client, action, lambda: fn(*args, **kwargs))


def pending_action_ids(interrupts: Any) -> list[str]:
    """The Faramesh action ids in a graph result's `__interrupt__` list (for an approval UI)."""
    out: list[str] = []
    for item in interrupts or []:
        value: Dict[str, Any] = getattr(item, "value", item) or {}
        if isinstance(value, dict) and "faramesh_action_id" in value:
            out.append(str(value["faramesh_action_id"]))
    return out
