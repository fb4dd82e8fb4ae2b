"""Text formatting for human output, the same as the Node CLI's (`packages/cli/src/output/format.ts`)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

# C0/C1 control characters, DEL and the bidi overrides: an agent-sent string must not drive the terminal.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """`text` with control and bidi-override characters shown as `\\uXXXX`, so it prints as plain text."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def short_id(action_id: str) -> str:
    """The first 8 characters of a UUID, as the seed's tables show ids."""
    return safe(action_id[:8])


def _local(iso: str) -> "datetime | None":
    try:
        parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone()


def format_datetime(iso: str) -> str:
    """`2026-01-12 10:00:00` in local time (TZ applies). Unparsable input is shown as given."""
    when = _local(iso)
    return safe(iso) if when is None else when.strftime("%Y-%m-%d %H:%M:%S")


def format_clock(iso: str) -> str:
    """`10:00:15` in local time."""
    when = _local(iso)
    return safe(iso) if when is None else when.strftime("%H:%M:%S")


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

    Control characters are escaped by JSON itself, so the result is safe to print.
    """
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(str(k))}: {inline_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inline_json(v) for v in value) + "]"
    return _scalar(value)
