"""`list` (alias `ls`): a page of actions, newest first, or every page with --all."""

from __future__ import annotations

import argparse
from typing import Any, Dict, List

from ..action_view import LIST_HEAD, list_row
from ..context import Context
from ..options import RISK_LEVELS, STATUSES, choice_option, date_option, int_option


def run(ctx: Context, opts: argparse.Namespace) -> int:
    filters: Dict[str, Any] = {
        "status": opts.status,
        "tool": opts.tool,
        "agent_id": opts.agent,
        "risk_level": opts.risk,
        "since": opts.since,
        "until": opts.until,
        "q": opts.search,
        # The server decides who may decide (approvers, quorum, escalation): "waiting for me".
        "awaiting": "me" if opts.mine else None,
    }
    limit = opts.limit if opts.limit is not None else (500 if opts.all else 20)
    page = ctx.client.list_actions(limit, opts.offset or 0, **filters)
    items: List[Dict[str, Any]] = list(page)
    result: Dict[str, Any] = {"items": items, "total": page.total, "limit": page.limit, "offset": page.offset}
    result["next_cursor"] = page.next_cursor
    while opts.all and page.next_cursor:
        page = ctx.client.list_actions(limit, cursor=page.next_cursor, **filters)
        items.extend(page)
        result["next_cursor"] = page.next_cursor

    if ctx.json:
        ctx.out.json(result)
        return 0
    if not items:
        ctx.out.line("Nothing is waiting for you." if opts.mine else "No actions found.")
        return 0
    ctx.out.table(LIST_HEAD, [list_row(a, ctx.out.c, opts.full) for a in items])
    first, last = result["offset"] + 1, result["offset"] + len(items)
    if not opts.all and last < result["total"]:
        ctx.out.status(f"Showing {first}-{last} of {result['total']} actions (--limit, --offset or --all for more)")
    return 0


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("list", aliases=["ls"], parents=[parent], help="list actions, newest first (truncated ids, colour-coded)")
    p.add_argument("--full", action="store_true", help="show full UUIDs and longer params")
    p.add_argument("--limit", type=int_option("--limit", 1, 500), help="actions per page (1-500, default 20)")
    p.add_argument("--offset", type=int_option("--offset", 0, 10_000_000), help="skip this many actions")
    p.add_argument("--all", action="store_true", help="fetch every page (for exports: `list --all --json`)")
    p.add_argument("--status", type=choice_option("--status", STATUSES), help="only this status")
    p.add_argument("--tool", help="only this tool")
    p.add_argument("--agent", metavar="AGENT_ID", help="only this agent")
    p.add_argument("--risk", type=choice_option("--risk", RISK_LEVELS), metavar="LEVEL", help="only this risk level")
    p.add_argument("--since", type=date_option("--since"), metavar="DATE", help="created at or after (ISO 8601)")
    p.add_argument("--until", type=date_option("--until"), metavar="DATE", help="created before (ISO 8601)")
    p.add_argument("-q", "--search", metavar="TEXT", help="substring of id, agent, tool or operation")
    p.add_argument("--mine", action="store_true", help="only pending actions you may approve or deny now")
    p.set_defaults(run=run)
