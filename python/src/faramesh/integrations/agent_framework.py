"""Microsoft Agent Framework integration (extra `faramesh[agent-framework]`: `agent-framework-core` 1.x,
the successor of AutoGen and Semantic Kernel agents).

A function middleware governs every function tool an agent calls (MCP tools included):

    governance = FarameshMiddleware(client, agent_id="ops-agent", names={"refund": ("stripe", "refund")})
    agent = Agent(client=chat_client, tools=[refund, run_shell], middleware=[governance])

Allowed calls run; a refusal (denied, expired, approval timeout, Faramesh unreachable: fail-closed) is
the function's result, one sentence the model reads, and the function does not run. A call the policy
holds for a human:

- `approvals="wait"` (default): waits on the long-poll inside the run, then runs.
- `approvals="framework"`: becomes the framework's own approval request, so the run ends with
  `response.user_input_requests` (and the pause lives in the agent session, not in a blocked task).
  `await governance.approval_responses(response.user_input_requests)` waits until Faramesh decides and
  returns the framework's approval responses; pass them to the next `agent.run(..., session=session)`.

`approval_responses` answers requests of tools declared `approval_mode="always_require"` too: the call is
submitted to Faramesh and its decision is the answer. Either way the framework's approval never
overrides Faramesh: when an approved call is replayed, the middleware finds the same action (one
Idempotency-Key per call) and runs it only if Faramesh allowed or approved it, with the submitted
arguments. An approver's denial reaches the model as the framework's own rejection
("Tool call invocation was rejected by user."); the response carries Faramesh's reason in
`additional_properties["faramesh_reason"]` for the application.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Literal, Mapping, Optional, Sequence, Tuple

from agent_framework import Content, FunctionInvocationContext, FunctionMiddleware

from ..errors import ArgumentsChangedError, IdempotencyConflictError
from ..governed import authorize_async, execute_async, jsonable, require_runnable
from ..refusal import REFUSALS, gate, refusal_of
from ..sdk.client import Action, ExecutionGovernorClient
from .mapping import faramesh_name, shell_params

Approvals = Literal["wait", "framework"]


class FarameshMiddleware(FunctionMiddleware):
    """Function middleware: each function call is submitted to Faramesh and runs only if allowed or approved.

    Put it after any middleware that repairs arguments: Faramesh decides on what it sees.
    """

    def __init__(
        self,
        client: ExecutionGovernorClient,
        *,
        agent_id: str,
        names: Optional[Mapping[str, Tuple[str, str]]] = None,
        context: Optional[Mapping[str, Any]] = None,
        approval_timeout: Optional[float] = None,
        approvals: Approvals = "wait",
    ) -> None:
        """`names` maps a function name to its Faramesh `(tool, operation)`; the default is the function's
        own name and `run` (shell-like names become `shell.run`, as in the other integrations)."""
        if approvals not in ("wait", "framework"):
            raise ValueError(f'approvals must be "wait" or "framework", not {approvals!r}')
        self.client = client
        self.agent_id = agent_id
        self.names = dict(names or {})
        self.context = dict(context or {})
        self.approval_timeout = approval_timeout
        self.approvals = approvals

    async def process(self, context: FunctionInvocationContext, call_next: Callable[[], Awaitable[None]]) -> None:
        name = context.function.name
        arguments = _plain(context.arguments)
        occurrence = _occurrence_of(context)
        request = self._request(name, arguments, occurrence)
        replayed = context.metadata.get("approval_response") is not None
        try:
            submitted = await asyncio.to_thread(gate, lambda: self._submit(request))
            if submitted.get("status") == "pending_approval":
                if self.approvals == "framework" and not replayed:
                    context.result = _approval_request(submitted, name, arguments, occurrence, context.metadata.get("call_id"))
                    return
                # The same request and key find the same action: wait for it (withdrawn if this run is
                # cancelled). Also the replay of a call the framework approved: Faramesh's decision counts.
                action = await authorize_async(self.client, approval_timeout=self.approval_timeout, **request)
            else:
                action = gate(lambda: require_runnable(submitted))
            await execute_async(self.client, action, call_next)
        except REFUSALS as err:
            message = refusal_of(err)
            if message is None:
                raise
            context.result = message

    async def approval_responses(self, requests: Sequence[Content], *, timeout: Optional[float] = None) -> List[Content]:
        """The framework's approval responses to `requests` (e.g. `response.user_input_requests`), each
        answered by Faramesh's decision: waits (long-poll) until every call is decided.

        Raises `ApprovalTimeoutError` when a call is still pending after `timeout` seconds (default: the
        middleware's `approval_timeout`, else the client's) and a connection error when Faramesh is
        unreachable: the requests stay pending in the session, to be answered later. Other user-input
        requests are left out.
        """
        asked = [r for r in requests if r.type == "function_approval_request" and r.function_call is not None]
        wait = timeout if timeout is not None else self.approval_timeout
        return list(await asyncio.gather(*(asyncio.to_thread(self._answer, r, wait) for r in asked)))

    def _answer(self, approval_request: Content, timeout: Optional[float]) -> Content:
        call = approval_request.function_call
        assert call is not None and call.name is not None
        occurrence = str(call.id or call.call_id or approval_request.id)
        try:
            action = self._submit(self._request(call.name, _plain(call.parse_arguments() or {}), occurrence))
        except ArgumentsChangedError as err:
            return _answered(approval_request, False, {"faramesh_status": "arguments_changed", "faramesh_reason": err.message})
        if action.get("status") == "pending_approval":
            action = self.client.wait_for_decision(str(action["id"]), timeout=timeout)
        return _answered(approval_request, action.get("status") in ("allowed", "approved"), _decision_of(action))

    def _request(self, name: str, arguments: Dict[str, Any], occurrence: str) -> Dict[str, Any]:
        """One function call's submission: the same from the middleware and from `approval_responses`
        (the server binds an Idempotency-Key to the exact request)."""
        ftool, op = faramesh_name(name, *self.names.get(name, (None, None)))
        return {
            "tool": ftool,
            "operation": op,
            "params": shell_params(ftool, arguments),
            "agent_id": self.agent_id,
            "context": {**self.context, "framework": "agent-framework", "tool_name": name},
            "idempotency_key": f"agent-framework:{self.agent_id}:{occurrence}",
        }

    def _submit(self, request: Mapping[str, Any]) -> Action:
        """Submits the call; its key used with other arguments (the call was edited in the history after it
        was submitted or approved) raises `ArgumentsChangedError`: a decision covers the submitted arguments."""
        r = dict(request)
        try:
            return self.client.submit_action(
                r["tool"], r["operation"], r["params"], r["context"], agent_id=r["agent_id"], idempotency_key=r["idempotency_key"]
            )
        except IdempotencyConflictError as err:
            action_id = (err.details or {}).get("action_id", "?")
            raise ArgumentsChangedError(
                f"Faramesh: the arguments of this {r['context']['tool_name']} call changed after they were submitted "
                f"(action {action_id}); they no longer match what was decided, so the call was not run",
                code="arguments_changed",
            ) from err


def _plain(arguments: Any) -> Dict[str, Any]:
    """The call's arguments as JSON values (the framework may hand over a pydantic model)."""
    dump = getattr(arguments, "model_dump", None)
    return dict(jsonable(dump(mode="json") if callable(dump) else dict(arguments)))


def _occurrence_of(context: FunctionInvocationContext) -> str:
    """This call's identity, the same on its first run and on the replay after an approval."""
    occurrence = context.metadata.get("function_call_occurrence_id")
    if isinstance(occurrence, str) and occurrence:
        return occurrence
    approval = context.metadata.get("approval_response")
    approved_call = getattr(approval, "function_call", None)
    if approved_call is not None and (approved_call.id or approved_call.call_id):
        return str(approved_call.id or approved_call.call_id)
    return str(context.metadata.get("call_id"))


def _approval_request(action: Action, name: str, arguments: Dict[str, Any], occurrence: str, call_id: Any) -> Content:
    """The framework's approval request for a call Faramesh holds for a human (passed through to
    `user_input_requests`); its function call carries exactly the submitted arguments."""
    call = Content.from_function_call(call_id=str(call_id or occurrence), name=name, arguments=arguments, id=occurrence)
    return Content.from_function_approval_request(
        id=occurrence,
        function_call=call,
        additional_properties={
            "faramesh_action_id": action["id"],
            "faramesh_reason": action.get("reason"),
            "faramesh_risk_level": action.get("risk_level"),
        },
    )


def _answered(approval_request: Content, approved: bool, decision: Mapping[str, Any]) -> Content:
    response = approval_request.to_function_approval_response(approved)
    response.additional_properties = {**response.additional_properties, **decision}
    return response


def _decision_of(action: Action) -> Dict[str, Any]:
    """What the application may show about Faramesh's answer (the approver's reason when they gave one)."""
    reason = action.get("approval_reason")
    if action.get("status") == "expired":
        reason = "the approval expired in Faramesh before anyone decided"
    elif action.get("status") in ("allowed", "denied") and not reason:
        reason = action.get("reason")  # the policy decided, not a human
    return {"faramesh_action_id": action["id"], "faramesh_status": action.get("status"), "faramesh_reason": reason}
