"""`get <id>` (every field of one action) and `events <id>` (its ledger timeline)."""

from __future__ import annotations

import argparse
from typing import Any

from ..action_view import action_detail
from ..context import Context
from ..safe_text import safe_text
from ..text import format_datetime, inline_json, short_id, truncate


def get(ctx: Context, opts: argparse.Namespace) -> int:
    action = ctx.client.get_action(opts.id)
    if ctx.json:
        ctx.out.json(action)
        return 0
    ctx.out.line(f"Action {ctx.out.c.bold(safe_text(action['id']))}")
    ctx.out.line()
    for line in action_detail(action, ctx.out.c):
        ctx.out.line(line)
    return 0


def events(ctx: Context, opts: argparse.Namespace) -> int:
    # Resolve a prefix once so the title shows which action this is.
    action = ctx.client.get_action(opts.id)
    timeline = ctx.client.get_events(str(action["id"]))
    if ctx.json:
        ctx.out.json(timeline)
        return 0
    ctx.out.line(f"Event Timeline - {safe_text(action['id']) if opts.full else short_id(str(action['id']))}")
    rows = []
    for e in timeline:
        # Event details hold reasons, errors and notes as written: marked, never raw.
        details = inline_json(e.get("meta", {}))
        shown = safe_text(details if opts.full else truncate(details, 60))
        rows.append([format_datetime(str(e.get("created_at", ""))), safe_text(e.get("event_type", "")), shown])
    ctx.out.table(["Time", "Event", "Details"], rows)
    return 0


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("get", parents=[parent], help="show one action (full id or prefix, e.g. 2755d4a8)")
    p.add_argument("id", help="action id or prefix")
    p.set_defaults(run=get)
    p = sub.add_parser("events", parents=[parent], help="show the event timeline (audit ledger) of an action")
    p.add_argument("id", help="action id or prefix")
    p.add_argument("--full", action="store_true", help="show full event details")
    p.set_defaults(run=events)
