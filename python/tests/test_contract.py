"""The wire contract the SDK speaks is checked against the server's own: its OpenAPI document and the
contract package's error table, so the two cannot drift."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any, Dict

import pytest

from faramesh.cli.options import STATUSES as CLI_STATUSES
from faramesh.errors import CODE_CLASSES, ERROR_STATUS, FarameshError, error_class_for

from .server import REPO

# Every request the SDK sends: (method, OpenAPI path, body fields it may send).
SDK_REQUESTS = [
    ("post", "/v1/actions", {"agent_id", "tool", "operation", "params", "context"}),
    ("get", "/v1/actions", None),
    ("get", "/v1/actions/{id}", None),
    ("get", "/v1/actions/{id}/wait", None),
    ("get", "/v1/actions/{id}/events", None),
    ("get", "/v1/actions/{id}/explain", None),
    ("post", "/v1/actions/{id}/approval", {"token", "approve", "reason", "request_hash", "grant"}),
    ("post", "/v1/actions/{id}/start", set()),
    ("post", "/v1/actions/{id}/result", {"success", "error"}),
    ("post", "/v1/actions/{id}/replay", set()),
    ("post", "/v1/actions/{id}/cancel", {"reason"}),
    ("get", "/v1/events", None),
    ("post", "/v1/actions/{id}/break-glass", {"reason", "request_hash"}),
    ("get", "/v1/reviews", None),
    ("post", "/v1/reviews/{id}/acknowledge", {"note"}),
    ("get", "/v1/actions/{id}/grant-proposal", None),
    ("get", "/v1/actions/{id}/notifications", None),
    ("get", "/v1/grants", None),
    ("get", "/v1/grants/{id}", None),
    ("post", "/v1/grants/{id}/revoke", {"reason"}),
    ("get", "/v1/policy", None),
    ("post", "/v1/policy/reload", None),
    ("get", "/v1/policy/shadow", None),
    ("post", "/v1/policy/shadow", {"policy"}),
    ("delete", "/v1/policy/shadow", None),
    ("get", "/v1/policy/shadow/report", None),
    ("post", "/v1/policy/shadow/promote", {"expected_hash", "since"}),
    ("get", "/v1/audit/verify", None),
    ("post", "/v1/audit/checkpoints", None),
    ("post", "/v1/audit/archive", {"before", "dry_run"}),
    ("get", "/v1/audit/export", None),
    ("post", "/v1/tokens", {"name", "role", "groups", "agent_ids", "expires_in"}),
    ("get", "/v1/tokens", None),
    ("get", "/v1/tokens/{ref}", None),
    ("post", "/v1/tokens/{ref}/revoke", None),
    ("get", "/v1/outbox", None),
    ("post", "/v1/outbox/{id}/retry", None),
    ("post", "/v1/channels/{name}/test", None),
    ("get", "/ready", None),
    ("get", "/v1/auth/whoami", None),
    ("get", "/health", None),
    ("post", "/playground/eval", {"agent_id", "tool", "operation", "params", "context", "policy"}),
]
SDK_QUERIES = {
    ("get", "/v1/actions"): {"limit", "offset", "cursor", "status", "tool", "agent_id", "risk_level", "since", "until", "q", "awaiting"},
    ("get", "/v1/actions/{id}/wait"): {"timeout_ms", "after_version"},
    ("get", "/v1/events"): {"status", "agent_id", "tool", "action_id"},
    ("get", "/v1/grants"): {"state", "limit", "action_id", "after"},
    ("get", "/v1/reviews"): {"status", "limit"},
    ("get", "/v1/policy/shadow/report"): {"since", "policy_hash", "examples"},
    ("get", "/v1/audit/export"): {"after"},
    ("get", "/v1/tokens"): {"limit", "after"},
    ("get", "/v1/outbox"): {"state", "limit"},
}
SDK_STATUSES = {
    "allowed",
    "denied",
    "pending_approval",
    "approved",
    "executing",
    "succeeded",
    "failed",
    "expired",
    "cancelled",
}


@pytest.fixture(scope="module")
def openapi(server: Any) -> Dict[str, Any]:
    with urllib.request.urlopen(server.url + "/openapi.json", timeout=10) as resp:
        doc: Dict[str, Any] = json.load(resp)
    return doc


@pytest.mark.parametrize("method,path,fields", SDK_REQUESTS, ids=[f"{m} {p}" for m, p, _ in SDK_REQUESTS])
def test_every_sdk_request_exists_in_the_openapi_document(openapi: Dict[str, Any], method: str, path: str, fields: Any) -> None:
    operation = openapi["paths"].get(path, {}).get(method)
    assert operation is not None, f"{method.upper()} {path} is not in the server's OpenAPI document"
    if fields is not None:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema.get("properties", {})) == fields
    query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    assert SDK_QUERIES.get((method, path), set()) <= query


def test_statuses_match_the_server(openapi: Dict[str, Any]) -> None:
    params = openapi["paths"]["/v1/actions"]["get"]["parameters"]
    status = next(p for p in params if p["name"] == "status")
    assert set(status["schema"]["enum"]) == SDK_STATUSES
    assert set(CLI_STATUSES) == SDK_STATUSES  # the Python CLI's --status choices


def _ts_error_table() -> Dict[str, int]:
    text = (REPO / "packages" / "contract" / "src" / "errors.ts").read_text()
    block = text.split("ERROR_STATUS = {", 1)[1].split("}", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"(\w+):\s*(\d+)", block)}


def test_error_codes_and_statuses_match_the_contract_package() -> None:
    assert ERROR_STATUS == _ts_error_table()


def test_every_error_code_maps_to_a_typed_exception_of_its_status_family() -> None:
    for code, status in ERROR_STATUS.items():
        cls = error_class_for(code, status)
        assert issubclass(cls, FarameshError)
        assert cls is not FarameshError, code
    assert set(CODE_CLASSES) == set(ERROR_STATUS)  # every code has its class, no class a stale code


def test_each_code_class_matches_its_status_family() -> None:
    from faramesh import errors

    family = {
        400: errors.BadRequestError,
        401: errors.AuthenticationError,
        403: errors.PermissionDeniedError,
        404: errors.NotFoundError,
        405: errors.BadRequestError,
        409: errors.ConflictError,
        413: errors.BadRequestError,
        415: errors.BadRequestError,
        421: errors.BadRequestError,
        429: errors.RateLimitedError,
        500: errors.ServerError,
        501: errors.ServiceUnavailableError,
        503: errors.ServiceUnavailableError,
    }
    for code, status in ERROR_STATUS.items():
        expected = (errors.PolicyInvalidError, errors.ValidationError) if status == 422 else family[status]
        assert issubclass(CODE_CLASSES[code], expected), (code, status, CODE_CLASSES[code])
