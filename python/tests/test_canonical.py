"""The Python SDK's canonical JSON and request hash match the server's on the shared vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import pytest

from faramesh.canonical import canonical_json, request_hash
from faramesh.sdk.client import ExecutionGovernorClient

VECTORS: Dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "tests" / "vectors" / "canonical-json.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("vector", VECTORS["values"], ids=lambda v: v["name"])
def test_writes_each_value_as_pinned(vector: Dict[str, str]) -> None:
    assert canonical_json(json.loads(vector["json"])) == vector["canonical"]


@pytest.mark.parametrize("vector", VECTORS["requests"], ids=lambda v: v["name"])
def test_hashes_each_request_as_pinned(vector: Dict[str, str]) -> None:
    assert request_hash(**json.loads(vector["json"])) == vector["request_hash"]


def test_agrees_with_a_running_server(agent: ExecutionGovernorClient) -> None:
    body = json.loads(VECTORS["requests"][1]["json"])
    action = agent.submit_action(**body)
    assert action["request_hash"] == request_hash(**body) == VECTORS["requests"][1]["request_hash"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "a\ud800", {1: "x"}, object()])
def test_refuses_values_without_a_faithful_json_form(bad: Any) -> None:
    with pytest.raises(TypeError):
        canonical_json({"v": bad})
