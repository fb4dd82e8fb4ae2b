"""`governed`: run a function only after Faramesh allows it (or a human approves it), and report how it ended."""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
from typing import Any, Callable, Dict, Mapping, Optional, TypeVar, cast

from .errors import (
    ActionDeniedError,
    ActionExpiredError,
    ActionNotRunnableError,
    FarameshConnectionError,
    FarameshTimeoutError,
)
from .refusal import gate
from .sdk.client import Action, ExecutionGovernorClient

log = logging.getLogger("faramesh")

F = TypeVar("F", bound=Callable[..., Any])
ParamsFrom = Callable[..., Mapping[str, Any]]


def jsonable(value: Any) -> Any:
    """A JSON-safe copy of tool arguments (unknown objects become their repr)."""
    return json.loads(json.dumps(value, default=repr))


def arguments_of(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Dict[str, Any]:
    """The call's arguments by parameter name; the default `params` sent to Faramesh."""
    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
        out = dict(bound.arguments)
        for name, param in inspect.signature(fn).parameters.items():
            if param.kind is inspect.Parameter.VAR_KEYWORD and name in out:
                out.update(out.pop(name))
        return cast(Dict[str, Any], jsonable(out))
    except (TypeError, ValueError):
        return cast(Dict[str, Any], jsonable({"args": list(args), "kwargs": dict(kwargs)}))


def authorize(
    client: ExecutionGovernorClient,
    *,
    tool: str,
    operation: str,
    params: Mapping[str, Any],
    agent_id: Optional[str] = None,
    context: Optional[Mapping[str, Any]] = None,
    approval_timeout: Optional[float] = None,
    idempotency_key: Optional[str] = None,
) -> Action:
    """Submit and, if needed, wait for a human. Returns the allowed/approved action; raises otherwise.

    Raises `ActionDeniedError`, `ActionExpiredError`, `ApprovalTimeoutError`, or the connection error
    when the server is unreachable and the client is fail-closed.
    """
    def decide() -> Action:
        action = client.submit_action(tool, operation, params, context, agent_id=agent_id, idempotency_key=idempotency_key)
        if action.get("status") == "pending_approval":
            action = client.wait_for_decision(str(action["id"]), timeout=approval_timeout)
        return require_runnable(action)

    # Marked as refusals, so integrations can tell them from errors the tool itself raises later.
    return gate(decide)


def require_runnable(action: Action) -> Action:
    """The action if it may run now; the typed governance error otherwise."""
    status = action.get("status")
    if status in ("allowed", "approved"):
        return action
    label = f"{action.get('tool')}.{action.get('operation')} ({str(action.get('id'))[:8]})"
    if status == "denied":
        why = action.get("approval_reason") or action.get("reason") or "denied"
        raise ActionDeniedError(f"Faramesh denied {label}: {why}", code="action_denied", action=action)
    if status == "expired":
        raise ActionExpiredError(f"Faramesh: approval of {label} expired; expiry means deny", code="action_expired", action=action)
    raise ActionNotRunnableError(f"Faramesh: {label} is {status}; it may not run (again)", code="action_not_runnable", action=action)


def execute(client: ExecutionGovernorClient, action: Action, fn: Callable[[], Any]) -> Any:
    """Record the start, run `fn` once, record success or the error; re-raise the function's error."""
    action_id = str(action["id"])
    client.start(action_id)  # the server re-checks the state: nothing runs if it refuses
    try:
        result = fn()
    except BaseException as err:
        _report(client, action_id, False, f"{type(err).__name__}: {err}")
        raise
    _report(client, action_id, True, None)
    return result


def _report(client: ExecutionGovernorClient, action_id: str, success: bool, error: Optional[str]) -> None:
    # The tool already ran: losing the report must not turn its outcome into an exception.
    try:
        client.report_result(action_id, success=success, error=error)
    except (FarameshConnectionError, FarameshTimeoutError) as err:
        log.warning("faramesh: could not report the result of %s: %s", action_id, err)


def governed(
    client: Optional[ExecutionGovernorClient] = None,
    *,
    tool: str,
    operation: str,
    agent_id: Optional[str] = None,
    params: Optional[ParamsFrom] = None,
    context: Optional[Mapping[str, Any]] = None,
    approval_timeout: Optional[float] = None,
) -> Callable[[F], F]:
    """Decorator: each call is submitted as `tool.operation` with the call's arguments as params
    (or `params(*args, **kwargs)`), and the function body runs only if allowed or approved.

    Works on plain and `async` functions. The client defaults to one configured from the environment.
    """

    def wrap(fn: F) -> F:
        gate = client or ExecutionGovernorClient()

        def params_for(args: tuple[Any, ...], kwargs: Dict[str, Any]) -> Mapping[str, Any]:
            return jsonable(dict(params(*args, **kwargs))) if params else arguments_of(fn, args, kwargs)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_call(*args: Any, **kwargs: Any) -> Any:
                p = params_for(args, kwargs)
                action = await asyncio.to_thread(
                    authorize,
                    gate,
                    tool=tool,
                    operation=operation,
                    params=p,
                    agent_id=agent_id,
                    context=context,
                    approval_timeout=approval_timeout,
                )
                action_id = str(action["id"])
                await asyncio.to_thread(gate.start, action_id)
                try:
                    result = await fn(*args, **kwargs)
                except BaseException as err:
                    await asyncio.to_thread(_report, gate, action_id, False, f"{type(err).__name__}: {err}")
                    raise
                await asyncio.to_thread(_report, gate, action_id, True, None)
                return result

            return cast(F, async_call)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            action = authorize(
                gate,
                tool=tool,
                operation=operation,
                params=params_for(args, kwargs),
                agent_id=agent_id,
                context=context,
                approval_timeout=approval_timeout,
            )
            return execute(gate, action, lambda: fn(*args, **kwargs))

        return cast(F, call)

    return wrap


def run_governed(
    client: ExecutionGovernorClient,
    fn: Callable[..., Any],
    *args: Any,
    tool: str,
    operation: str,
    agent_id: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    context: Optional[Mapping[str, Any]] = None,
    approval_timeout: Optional[float] = None,
    **kwargs: Any,
) -> Any:
    """One-off form of `governed`: `run_governed(client, fn, *args, tool=..., operation=..., **kwargs)`."""
    action = authorize(
        client,
        tool=tool,
        operation=operation,
        params=params if params is not None else arguments_of(fn, args, kwargs),
        agent_id=agent_id,
        context=context,
        approval_timeout=approval_timeout,
    )
    return execute(client, action, lambda: fn(*args, **kwargs))
