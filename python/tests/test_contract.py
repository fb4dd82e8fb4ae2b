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
    ("get", "/v1/grants", None),
    ("get", "/v1/grants/{id}", None),
    ("post", "/v1/grants/{id}/revoke", {"reason"}),
    ("get", "/v1/policy", None),
    ("get", "/v1/auth/whoami", None),
    ("get", "/health", None),
    ("post", "/playground/eval", {"agent_id", "tool", "operation", "params", "context", "policy"}),
]
SDK_QUERIES = {
    ("get", "/v1/actions"): {"limit", "offset", "cursor", "status", "tool", "agent_id", "risk_level", "since", "until", "q", "awaiting"},
    ("get", "/v1/actions/{id}/wait"): {"timeout_ms", "after_version"},
    ("get", "/v1/events"): {"status", "agent_id", "tool", "action_id"},
    ("get", "/v1/grants"): {"state", "limit"},
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
    assert set(CODE_CLASSES) <= set(ERROR_STATUS)
