"""`tail`: follows the live event stream like `kubectl logs -f`. Reconnects after a disconnect and
resumes from the last event received, so nothing is lost; shows a status line meanwhile."""

from __future__ import annotations

import argparse
from typing import Any

from ...sse import StreamEvent
from ..colour import Colours, paint_status
from ..context import Context
from ..options import STATUSES, choice_option, int_option
from ..safe_text import safe_text
from ..table import pad
from ..text import format_clock, short_id


def tail_line(ev: StreamEvent, c: Colours, full: bool) -> str:
    """`[10:00:15] pending_approval  2755d4a8 | shell      | run`, the seed's format."""
    action = ev.action
    status = pad(paint_status(c, str(action.get("status", ""))), 17)
    action_id = safe_text(action.get("id", "")) if full else short_id(str(action.get("id", "")))
    clock = format_clock(str(ev.event.get("created_at", "")))
    return f"[{clock}] {status} {action_id} | {safe_text(action.get('tool', '')).ljust(10)} | {safe_text(action.get('operation', ''))}"


def run(ctx: Context, opts: argparse.Namespace) -> int:
    action_id = None if opts.action is None else str(ctx.client.get_action(opts.action)["id"])
    if not ctx.json:
        ctx.out.status("Streaming actions (press CTRL+C to stop)...\n")
    url = ctx.client.base_url
    reconnecting = False

    def on_status(state: str, attempt: int, delay_s: float) -> None:
        nonlocal reconnecting
        if state == "reconnecting":
            reconnecting = True
            ctx.out.live(f"connection to {url}/v1/events lost; reconnecting in {delay_s:.1f}s (attempt {attempt})...")
        elif state == "open" and reconnecting:
            reconnecting = False
            ctx.out.live("reconnected; resuming where the stream stopped")
            ctx.out.clear_live()

    seen = 0
    stream = ctx.client.stream(
        status=opts.status,
        tool=opts.tool,
        agent_id=opts.agent,
        action_id=action_id,
        last_event_id=opts.since_id,
        on_status=on_status,
    )
    try:
        for ev in stream:
            if not ctx.json and not opts.all_events and ev.event_type == "created":
                continue
            ctx.out.clear_live()
            if ctx.json:
                ctx.out.json_line({"id": str(ev.seq), "event": ev.name, "data": ev.data})
            else:
                ctx.out.line(tail_line(ev, ctx.out.c, opts.full))
            seen += 1
            if opts.count is not None and seen >= opts.count:
                break
    except KeyboardInterrupt:
        pass  # CTRL+C is how tail is meant to end
    finally:
        stream.close()
        ctx.out.clear_live()
    return 0


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("tail", parents=[parent], help="stream live actions (SSE, like kubectl logs -f); reconnects and resumes")
    p.add_argument("--status", type=choice_option("--status", STATUSES), help="only actions now in this status")
    p.add_argument("--tool", help="only this tool")
    p.add_argument("--agent", metavar="AGENT_ID", help="only this agent")
    p.add_argument("--action", metavar="ID", help="only this action (id or prefix)")
    p.add_argument(
        "--since-id", type=int_option("--since-id", 0, 2**53 - 1), metavar="SEQ", help="replay events after this ledger sequence number first"
    )
    p.add_argument("-n", "--count", type=int_option("--count", 1, 2**53 - 1), metavar="N", help="exit after this many events")
    p.add_argument("--all-events", action="store_true", help="also show `created` events (each submission is shown once by default)")
    p.add_argument("--full", action="store_true", help="show full UUIDs")
    p.set_defaults(run=run)
