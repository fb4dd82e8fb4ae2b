"""`governed`: run a function only after Faramesh allows it (or a human approves it), and report how it ended."""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import threading
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, TypeVar, cast

from .errors import (
    ActionCancelledError,
    ActionDeniedError,
    ActionExpiredError,
    ActionNotRunnableError,
    ApprovalExpiredError,
    FarameshConnectionError,
    FarameshTimeoutError,
)
from .refusal import gate
from .sdk.client import Action, ExecutionGovernorClient
from .withdraw import WITHDRAW_TIMEOUT_S, AnyOf, CancelSignal

log = logging.getLogger("faramesh")

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
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
    cancel_event: Optional[CancelSignal] = None,
) -> Action:
    """Submit and, if needed, wait for a human. Returns the allowed/approved action; raises otherwise.

    Raises `ActionDeniedError`, `ActionExpiredError`, `ActionCancelledError`, `ApprovalTimeoutError`,
    or the connection error when the server is unreachable and the client is fail-closed. Ctrl-C or
    `cancel_event` while waiting withdraws the action (see `wait_for_decision`).
    """
    def decide() -> Action:
        action = client.submit_action(tool, operation, params, context, agent_id=agent_id, idempotency_key=idempotency_key)
        if action.get("status") == "pending_approval":
            action = client.wait_for_decision(str(action["id"]), timeout=approval_timeout, cancel_event=cancel_event)
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
    if status == "cancelled":
        raise ActionCancelledError(f"Faramesh: {label} was cancelled before it ran", code="action_cancelled", action=action)
    raise ActionNotRunnableError(f"Faramesh: {label} is {status}; it may not run (again)", code="action_not_runnable", action=action)


def execute(client: ExecutionGovernorClient, action: Action, fn: Callable[[], Any]) -> Any:
    """Record the start, run `fn` once, record success or the error; re-raise the function's error."""
    action_id = str(action["id"])
    _start(client, action)  # the server re-checks the state: nothing runs if it refuses
    try:
        result = fn()
    except BaseException as err:
        _report(client, action_id, False, f"{type(err).__name__}: {err}")
        raise
    _report(client, action_id, True, None)
    return result


async def authorize_async(client: ExecutionGovernorClient, *, cancel_event: Optional[CancelSignal] = None, **request: Any) -> Action:
    """`authorize` for code on an event loop: the wait runs in a worker thread, and cancelling the
    awaiting task withdraws the action (as Ctrl-C does for `authorize`)."""
    return await _authorize_cancellably(cancel_event, client=client, **request)


async def execute_async(
    client: ExecutionGovernorClient,
    action: Action,
    run: Callable[[], Awaitable[T]],
    failure: Callable[[T], Optional[str]] = lambda _: None,
) -> T:
    """`execute` for a coroutine: record the start, await `run()` once, record how it ended.

    `failure(result)` says why a result that did not raise still failed (a framework's error result),
    None when it succeeded. A start the server refuses (e.g. the approval lapsed) is a marked refusal.
    """
    action_id = str(action["id"])
    await asyncio.to_thread(gate, lambda: _start(client, action))
    try:
        result = await run()
    except BaseException as err:
        await asyncio.to_thread(_report, client, action_id, False, f"{type(err).__name__}: {err}")
        raise
    error = failure(result)
    await asyncio.to_thread(_report, client, action_id, error is None, error)
    return result


def _start(client: ExecutionGovernorClient, action: Action) -> None:
    try:
        client.start(str(action["id"]))
    except ApprovalExpiredError as err:
        # Approved, but not started within FARAMESH_APPROVED_TTL: as final as an expiry while pending.
        raise ActionExpiredError(
            f"the approval of {action.get('tool')}.{action.get('operation')} lapsed before it started: {err.message}",
            code="action_expired",
            action=action,
        ) from err


async def _authorize_cancellably(cancel_event: Optional[CancelSignal], **kwargs: Any) -> Action:
    """`authorize` in a worker thread; if the awaiting task is cancelled, the wait withdraws its action
    (bounded by the withdraw timeout) before the cancellation propagates."""
    cancelled = threading.Event()
    work = asyncio.ensure_future(asyncio.to_thread(authorize, cancel_event=AnyOf(cancel_event, cancelled), **kwargs))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        cancelled.set()
        await asyncio.wait({work}, timeout=WITHDRAW_TIMEOUT_S + 1)
        if work.done() and not work.cancelled():
            work.exception()  # retrieved: the task's own cancellation is what propagates
        raise


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
    cancel_event: Optional[CancelSignal] = None,
) -> Callable[[F], F]:
    """Decorator: each call is submitted as `tool.operation` with the call's arguments as params
    (or `params(*args, **kwargs)`), and the function body runs only if allowed or approved.

    Works on plain and `async` functions. The client defaults to one configured from the environment.
    A call interrupted while it waits for approval withdraws its action (`cancelled`) and re-raises:
    Ctrl-C for plain functions, task cancellation for `async` ones, and `cancel_event` for both
    (raising `ActionCancelledError`).
    """

    def wrap(fn: F) -> F:
        gate = client or ExecutionGovernorClient()

        def params_for(args: tuple[Any, ...], kwargs: Dict[str, Any]) -> Mapping[str, Any]:
            return jsonable(dict(params(*args, **kwargs))) if params else arguments_of(fn, args, kwargs)

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_call(*args: Any, **kwargs: Any) -> Any:
                p = params_for(args, kwargs)
                action = await _authorize_cancellably(
                    cancel_event,
                    client=gate,
                    tool=tool,
                    operation=operation,
                    params=p,
                    agent_id=agent_id,
                    context=context,
                    approval_timeout=approval_timeout,
                )
                return await execute_async(gate, action, lambda: fn(*args, **kwargs))

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
                cancel_event=cancel_event,
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
    cancel_event: Optional[CancelSignal] = None,
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
        cancel_event=cancel_event,
    )
    return execute(client, action, lambda: fn(*args, **kwargs))
