"""The action's one-line summary for a terminal, exactly as the Node CLI shows it
(packages/cli/src/output/summary-cell.ts; the hidden characters are `safe_text`'s)."""

from __future__ import annotations

import math
from typing import Any, List, Mapping, Tuple

from .safe_text import is_invisible, marker
from .text import inline_json

# Characters of the summary `list` shows without `--full`.
SUMMARY_WIDTH = 48


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
