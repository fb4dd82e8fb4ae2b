"""Pages of list answers: plain lists that also carry where the next page starts."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, TypeVar

T = TypeVar("T")
Action = Dict[str, Any]


class ActionPage(List[Action]):
    """A page of `list_actions`: a plain list of actions that also carries the paging metadata."""

    def __init__(self, items: List[Action], *, total: int, limit: int, offset: int, next_cursor: Optional[str]) -> None:
        super().__init__(items)
        self.total = total
        self.limit = limit
        self.offset = offset
        self.next_cursor = next_cursor


class Page(List[T]):
    """A page of grants, tokens, reviews or notifications. `next_cursor` is what to pass as `after=`
    for the next page (the server's `next_after` / `next_cursor`), or None on the last one."""

    def __init__(self, items: List[T], next_cursor: Optional[str] = None) -> None:
        super().__init__(items)
        self.next_cursor = next_cursor


def page_of(body: Mapping[str, Any]) -> "Page[Any]":
    """Reads `{items, next_after | next_cursor}`."""
    cursor = body.get("next_after", body.get("next_cursor"))
    return Page([dict(item) for item in body["items"]], None if cursor is None else str(cursor))
