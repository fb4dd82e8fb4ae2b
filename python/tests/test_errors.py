"""Server error codes come back as typed exceptions; unreachable servers name their URL."""

from __future__ import annotations

import socket
import threading
from typing import Callable

import pytest

from faramesh import (
    BadRequestError,
    AuthenticationError,
    ExecutionGovernorClient,
    FarameshConnectionError,
    FarameshError,
    FarameshTimeoutError,
    IdempotencyConflictError,
    InvalidIdError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from faramesh.errors import AmbiguousPrefixError, error_from_response


def test_unknown_action_is_not_found(agent: ExecutionGovernorClient) -> None:
    with pytest.raises(NotFoundError) as err:
        agent.get_action("00000000-0000-4000-8000-000000000000")
    assert (err.value.code, err.value.status) == ("action_not_found", 404)


def test_malformed_id_is_invalid_id(agent: ExecutionGovernorClient) -> None:
    with pytest.raises(InvalidIdError) as err:
        agent.get_action("zzzz")
    assert err.value.status == 400


def test_validation_errors_carry_their_details(agent: ExecutionGovernorClient) -> None:
    with pytest.raises(ValidationError) as err:
        agent.submit_action(tool="", operation="run", agent_id="a")
    assert err.value.code == "validation_failed"
    assert isinstance(err.value.details, list) and err.value.details


def test_a_bad_token_is_an_authentication_error(server: object) -> None:
    client = ExecutionGovernorClient(server.url, "not-a-real-token")  # type: ignore[attr-defined]
    with pytest.raises(AuthenticationError) as err:
        client.list_actions()
    assert err.value.code == "unauthorized" and err.value.status == 401


def test_an_illegal_lifecycle_move_is_invalid_transition(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    action = agent.submit_action("shell", "run", {"cmd": "ls"}, agent_id=unique("trans"))
    with pytest.raises(InvalidTransitionError) as err:
        agent.report_result(action["id"], success=True)
    assert err.value.code == "invalid_transition" and err.value.status == 409


def test_reusing_an_idempotency_key_for_another_request_conflicts(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    key = unique("key")
    agent.submit_action("http", "get", {"n": 1}, agent_id="k", idempotency_key=key)
    with pytest.raises(IdempotencyConflictError):
        agent.submit_action("http", "get", {"n": 2}, agent_id="k", idempotency_key=key)


def test_every_error_is_a_farameshError_with_code_status_details() -> None:
    err = error_from_response(409, {"error": {"code": "ambiguous_prefix", "message": "m", "details": {"candidates": [{"id": "a"}]}}})
    assert isinstance(err, AmbiguousPrefixError) and isinstance(err, FarameshError)
    assert err.candidates == [{"id": "a"}]
    unknown = error_from_response(418, "teapot")
    assert type(unknown) is FarameshError and unknown.status == 418


def test_an_unreachable_server_raises_a_connection_error_naming_the_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    client = ExecutionGovernorClient(url, max_retries=0)
    with pytest.raises(FarameshConnectionError) as err:
        client.submit_action("http", "get", {}, agent_id="a")
    assert url in str(err.value)
    assert isinstance(err.value, ConnectionError)


def test_a_silent_server_raises_a_timeout() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
    url = "http://127.0.0.1:%d" % silent.getsockname()[1]
    try:
        with pytest.raises(FarameshTimeoutError) as err:
            ExecutionGovernorClient(url, timeout=0.3, max_retries=0).get_action("abcd")
        assert isinstance(err.value, TimeoutError)
    finally:
        silent.close()
        for c in accepted:
            c.close()


@pytest.mark.parametrize(
    ("params", "agent_id", "code"),
    [
        ({"amount": float("inf")}, "a", "invalid_json"),  # Python writes Infinity, which is not JSON
        ({"amount": float("nan")}, "a", "invalid_json"),
        ({"amount": 10**400}, "a", "invalid_number"),  # beyond a double: it would parse to Infinity
        ({"note": "x\ud800"}, "a", "invalid_unicode"),  # a lone surrogate, sent as a \ud800 escape
        ({}, "bot\x00", "invalid_unicode"),
    ],
)
def test_values_the_server_cannot_store_exactly_are_a_typed_bad_request(
    agent: ExecutionGovernorClient, params: dict[str, object], agent_id: str, code: str
) -> None:
    with pytest.raises(BadRequestError) as err:
        agent.submit_action(tool="http", operation="get", params=params, agent_id=agent_id)
    assert (err.value.code, err.value.status) == (code, 400)
