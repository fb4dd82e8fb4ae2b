"""The nearest choice to a typo, by the same rule as the Node CLI (packages/cli/src/closest.ts)."""

from __future__ import annotations

from typing import Iterable, Optional


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i]
        for j in range(1, len(b) + 1):
            row.append(min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (0 if a[i - 1] == b[j - 1] else 1)))
        prev = row
    return prev[len(b)]


def closest(given: str, choices: Iterable[str]) -> Optional[str]:
    """The choice nearest to `given` by edit distance, if near enough to be a likely typo."""
    best: Optional[str] = None
    best_distance = float("inf")
    a = given.lower()
    for choice in choices:
        b = choice.lower()
        d = _distance(a, b)
        if len(a) >= 3:
            # A mistyped prefix (`pendng` for pending_approval) counts as near too.
            for k in range(len(a) - 1, len(a) + 2):
                d = min(d, _distance(a, b[:k]) + 1)
        if d < best_distance:
            best, best_distance = choice, d
    return best if best is not None and best_distance <= max(2, len(given) // 3) else None
