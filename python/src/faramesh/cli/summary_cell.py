"""The action's one-line summary for a terminal, exactly as the Node CLI shows it
(packages/cli/src/output/summary-cell.ts; the character rules of packages/contract/src/invisible-chars.ts)."""

from __future__ import annotations

import math
from typing import Any, List, Mapping, Tuple

from .text import inline_json

# Characters of the summary `list` shows without `--full`.
SUMMARY_WIDTH = 48

# Named invisible characters beyond the ranges tested in `is_invisible` (invisible-chars.ts's NAMES).
_NAMED = frozenset(
    [0x00, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0xA0, 0xAD, 0x34F, 0x61C, 0x115F, 0x1160, 0x180E]
    + list(range(0x200B, 0x2010))
    + [0x2028, 0x2029]
    + list(range(0x202A, 0x2030))
    + [0x205F, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069]
    + [0x3000, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9, 0xFFFA, 0xFFFB]
)


def is_invisible(cp: int) -> bool:
    """Whether `cp` must be shown as a visible marker instead of being rendered."""
    return (
        cp <= 0x1F
        or 0x7F <= cp <= 0x9F
        or 0xD800 <= cp <= 0xDFFF
        or 0x2000 <= cp <= 0x200F
        or 0x2028 <= cp <= 0x202F
        or 0x205F <= cp <= 0x206F
        or 0xFE00 <= cp <= 0xFE0D
        or 0xE0000 <= cp <= 0xE007F
        or 0xE0100 <= cp <= 0xE01EF
        or cp in _NAMED
    )


def marker(cp: int) -> str:
    return f"⟨U+{cp:04X}⟩"


def summary_cell(action: Mapping[str, Any], limit: float = math.inf) -> str:
    """Every invisible or control character written as its marker, cut to `limit` characters without
    splitting a marker, ending in `...` when cut. Older servers send no summary: then the params."""
    summary = action.get("summary")
    text = summary if isinstance(summary, str) else inline_json(action.get("params", {}))
    # Python strings iterate by code point, as the Node CLI's units do (a surrogate pair is one unit).
    units: List[Tuple[str, int]] = []
    for ch in text:
        cp = ord(ch)
        units.append((marker(cp), len(marker(cp))) if is_invisible(cp) else (ch, 1))
    if sum(width for _, width in units) <= limit:
        return "".join(unit for unit, _ in units)
    out, width = "", 0
    for unit, w in units:
        if width + w > limit - 3:
            break
        out += unit
        width += w
    return f"{out}..."
