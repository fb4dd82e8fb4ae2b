"""Option values checked as the Node CLI checks them (packages/cli/src/option-parsers.ts)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Callable, Sequence

from .cli_error import UsageError
from .closest import closest

# The contract's enums (packages/contract/src/action.ts); tests/test_contract.py checks them against the server.
STATUSES = (
    "allowed",
    "denied",
    "pending_approval",
    "approved",
    "executing",
    "succeeded",
    "failed",
    "expired",
    "cancelled",
)
RISK_LEVELS = ("low", "medium", "high")


def int_option(flag: str, low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not re.fullmatch(r"-?\d+", value) or not low <= int(value) <= high:
            raise UsageError(f"invalid value '{value}' for {flag}: expected an integer from {low} to {high}")
        return int(value)

    return parse


def choice_option(flag: str, choices: Sequence[str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value in choices:
            return value
        near = closest(value, choices)
        hint = f" (did you mean {near}?)" if near else f" (one of: {', '.join(choices)})"
        raise UsageError(f"invalid value '{value}' for {flag}{hint}")

    return parse


def date_option(flag: str) -> Callable[[str], str]:
    """An ISO 8601 date-time, sent as UTC with milliseconds and `Z` (as JavaScript's toISOString)."""

    def parse(value: str) -> str:
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"invalid value '{value}' for {flag}: expected a date-time like 2026-01-12T10:00:00Z"
            ) from None
        if when.tzinfo is None:
            # As in JavaScript: a bare date is UTC midnight, a date-time without offset is local time.
            bare_date = re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()) is not None
            when = when.replace(tzinfo=timezone.utc) if bare_date else when.astimezone()
        utc = when.astimezone(timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"

    return parse
