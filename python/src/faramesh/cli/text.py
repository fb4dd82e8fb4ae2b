"""Text formatting for human output, the same as the Node CLI's (`packages/cli/src/output/format.ts`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from .safe_text import safe_text


def short_id(action_id: str) -> str:
    """The first 8 characters of a UUID, as the seed's tables show ids."""
    return safe_text(action_id[:8])


def _local(iso: str) -> "datetime | None":
    try:
        parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone()


def format_datetime(iso: str) -> str:
    """`2026-01-12 10:00:00` in local time (TZ applies). Unparsable input is shown as given, hidden characters marked."""
    when = _local(iso)
    return safe_text(iso) if when is None else when.strftime("%Y-%m-%d %H:%M:%S")


def format_clock(iso: str) -> str:
    """`10:00:15` in local time."""
    when = _local(iso)
    return safe_text(iso) if when is None else when.strftime("%H:%M:%S")


def truncate(text: str, limit: int) -> str:
    """Cuts text to `limit` characters, ending in `...` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 3)] + "..."


def _scalar(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        value = int(value)  # JSON.stringify(1.0) is "1"
    return json.dumps(value, ensure_ascii=False)


def inline_json(value: Any) -> str:
    """One-line JSON with a space after `:` and `,`, as the seed prints params: `{"cmd": "ls"}`.

    JSON escapes C0 controls but not DEL, C1, bidi or zero-width characters: printed, it goes through
    `safe_text` (after any `truncate`, so a marker is never cut in half).
    """
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(str(k))}: {inline_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inline_json(v) for v in value) + "]"
    return _scalar(value)
