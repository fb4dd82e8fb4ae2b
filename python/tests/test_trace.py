"""The trace's limit line (faramesh.cli.trace), the same text the Node CLI prints."""

from __future__ import annotations

from faramesh.cli.colour import Colours
from faramesh.cli.trace import trace_lines

LIMIT = {
    "rule": 0,
    "text": "limit 20 per 1h by agent_id",
    "key": "a" * 64,
    "measure": "count",
    "sum": None,
    "max": 20,
    "per_ms": 3_600_000,
    "by": ["agent_id"],
    "over_limit": "require_approval",
    "amount": 1,
    "used": 20,
    "reached": True,
}


def test_shows_a_reached_limit_with_its_usage_and_effect() -> None:
    lines = trace_lines({"rules": [], "risk": [], "limit": LIMIT}, Colours(False))
    assert lines[-1] == "Limit of #1: limit 20 per 1h by agent_id — 20 used, this call 1 → over the limit: require_approval"


def test_shows_an_unreadable_budget_amount() -> None:
    budget = {**LIMIT, "text": "limit sum(amount) 500 per 1d", "sum": "amount", "amount": None, "used": 12.5}
    lines = trace_lines({"rules": [], "risk": [], "limit": budget}, Colours(False))
    assert lines[-1] == "Limit of #1: limit sum(amount) 500 per 1d — 12.5 used, this call's amount is unreadable → over the limit: require_approval"


def test_says_nothing_of_limits_without_one() -> None:
    assert not any("Limit" in line for line in trace_lines({"rules": [], "risk": [], "limit": None}, Colours(False)))
