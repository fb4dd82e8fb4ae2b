"""What a model reads when Faramesh refused a tool call, or could not be asked (fail-closed).

Frameworks differ in what they do with an exception from a tool: LangGraph's prebuilt `ToolNode`
re-raises it out of `graph.invoke` (ending the run), AG2 hands the model a Python traceback. The
integrations use these helpers so that, in each framework's default configuration, the model gets one
readable sentence instead and the tool does not run.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Optional, TypeVar, cast

from .errors import FarameshConnectionError, FarameshError, FarameshTimeoutError, GovernanceError, ServiceUnavailableError

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

# Outcomes of the governance step that mean "the tool must not run"; any other error is a bug to surface.
REFUSALS = (GovernanceError, FarameshConnectionError, FarameshTimeoutError, ServiceUnavailableError)
_MARK = "faramesh_refusal"


def refusal_message(err: FarameshError) -> str:
    """One sentence for the model: what happened and that the tool did not run."""
    if isinstance(err, GovernanceError):
        if err.message.startswith("Faramesh"):
            return f"The tool did not run: {err.message}"
        return f"Faramesh refused this call, so the tool did not run: {err.message}"
    return f"Faramesh could not be reached, so the tool did not run (fail-closed): {err.message}"


def gate(step: Callable[[], T]) -> T:
    """Runs the governance step (submit, wait; `authorize` does); a refusal it raises is marked, so that
    an integration can tell it from an error the tool itself raised later."""
    try:
        return step()
    except REFUSALS as err:
        setattr(err, _MARK, refusal_message(err))
        raise


def refusal_of(err: BaseException) -> Optional[str]:
    """The model-facing message of a refusal raised by `gate`, else None."""
    found: Any = getattr(err, _MARK, None)
    return found if isinstance(found, str) else None


def answer_refusals(fn: F) -> F:
    """`fn` (sync or async), except that a marked refusal is returned as its message instead of raised."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_call(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except REFUSALS as err:
                return _message_or_raise(err)

        return cast(F, async_call)

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except REFUSALS as err:
            return _message_or_raise(err)

    return cast(F, call)


def _message_or_raise(err: FarameshError) -> str:
    message = refusal_of(err)
    if message is None:
        raise err
    return message
