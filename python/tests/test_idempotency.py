"""Submits carry an Idempotency-Key; a retry reuses it, so a lost answer never creates a duplicate."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable, Iterator, List

import pytest

from faramesh import ExecutionGovernorClient


def test_the_same_key_returns_the_same_action_once(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who, key = unique("idem"), unique("key")
    first = agent.submit_action("http", "get", {"u": 1}, agent_id=who, idempotency_key=key)
    again = agent.submit_action("http", "get", {"u": 1}, agent_id=who, idempotency_key=key)
    assert again["id"] == first["id"]
    assert len(agent.list_actions(agent_id=who)) == 1
    assert [e["event_type"] for e in agent.get_events(first["id"])].count("created") == 1


def test_submits_without_a_key_get_a_fresh_one_each(agent: ExecutionGovernorClient, unique: Callable[[str], str]) -> None:
    who = unique("fresh")
    a = agent.submit_action("http", "get", {}, agent_id=who)
    b = agent.submit_action("http", "get", {}, agent_id=who)
    assert a["id"] != b["id"]


class _Flaky(BaseHTTPRequestHandler):
    keys: List[str] = []

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        _Flaky.keys.append(self.headers.get("Idempotency-Key", ""))
        if len(_Flaky.keys) == 1:
            body = json.dumps({"error": {"code": "store_unavailable", "message": "busy", "details": None}}).encode()
            self.send_response(503)
        else:
            body = json.dumps({"id": "x", "status": "allowed"}).encode()
            self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky_url() -> Iterator[str]:
    _Flaky.keys = []
    httpd = HTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_retried_submit_reuses_its_idempotency_key(flaky_url: str) -> None:
    client = ExecutionGovernorClient(flaky_url, "t", max_retries=2)
    assert client.submit_action("http", "get", {}, agent_id="a")["id"] == "x"
    assert len(_Flaky.keys) == 2
    assert _Flaky.keys[0] and _Flaky.keys[0] == _Flaky.keys[1]
