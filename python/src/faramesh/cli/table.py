"""Tables: box-drawn on a terminal (as cli-table3 draws them), aligned plain columns when piped."""

from __future__ import annotations

import re
from typing import List, Sequence

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def visible_length(text: str) -> int:
    return len(_ANSI.sub("", text))


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - visible_length(text))


def render_table(head: Sequence[str], rows: Sequence[Sequence[str]], *, boxed: bool, bold_head: bool) -> str:
    """Rows under a header. Cells may contain ANSI colour; widths ignore it."""
    widths = [max([visible_length(h)] + [visible_length(r[i]) for r in rows if i < len(r)]) for i, h in enumerate(head)]
    if boxed:
        def border(left: str, mid: str, right: str) -> str:
            return left + mid.join("─" * (w + 2) for w in widths) + right

        def boxed_line(cells: Sequence[str], header: bool) -> str:
            parts = [f" {pad(cell, widths[i])} " for i, cell in enumerate(cells)]
            if header and bold_head:
                parts = [f"\x1b[1m{p}\x1b[22m" for p in parts]
            return "│" + "│".join(parts) + "│"

        lines: List[str] = [border("┌", "┬", "┐"), boxed_line(head, True)]
        lines += [boxed_line(r, False) for r in rows]
        lines.append(border("└", "┴", "┘"))
        return "\n".join(lines)

    def plain_line(cells: Sequence[str]) -> str:
        last = len(cells) - 1
        return "  ".join(cell if i == last else pad(cell, widths[i]) for i, cell in enumerate(cells)).rstrip()

    return "\n".join([plain_line(head)] + [plain_line(r) for r in rows])
