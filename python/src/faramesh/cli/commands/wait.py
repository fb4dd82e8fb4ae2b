"""`wait <id>`: blocks until a pending action is decided (server long-poll, no polling delay). Exit 0
when it may run (allowed/approved), 1 when denied, expired or failed, or on timeout, so scripts can
write `python -m faramesh.cli wait $ID && deploy`."""

from __future__ import annotations

import argparse
from typing import Any

from ...errors import ApprovalTimeoutError, FarameshError
from ..colour import paint_status
from ..context import Context
from ..options import int_option
from ..safe_text import safe_text
from ..text import short_id

GO = {"allowed", "approved", "executing", "succeeded"}


def run(ctx: Context, opts: argparse.Namespace) -> int:
    action = ctx.client.get_action(opts.id)
    action_id = str(action["id"])
    seconds = 300 if opts.timeout is None else opts.timeout
    what = f"{safe_text(action.get('tool', ''))} {safe_text(action.get('operation', ''))}"
    if ctx.out.err_tty and not ctx.out.io.env.get("CI"):
        ctx.out.live(f"waiting for a decision on {short_id(action_id)} ({what})...")
    try:
        # Watching is not owning: Ctrl-C stops the wait, never withdraws the action (as in the Node CLI).
        decided = ctx.client.wait_for_decision(action_id, timeout=seconds, cancel_on_interrupt=False)
    except ApprovalTimeoutError:
        raise FarameshError(f"no decision on {action_id} within {seconds * 1000} ms", code="timeout") from None
    finally:
        ctx.out.clear_live()
    if ctx.json:
        ctx.out.json(decided)
    else:
        ctx.out.line(f"{short_id(action_id)} {paint_status(ctx.out.c, str(decided.get('status', '')))}")
    return 0 if decided.get("status") in GO else 1


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "wait", parents=[parent], help="wait until an action is decided; exit 0 if it may run, 1 if denied/expired or on timeout"
    )
    p.add_argument("id", help="action id or prefix")
    p.add_argument("--timeout", type=int_option("--timeout", 0, 86_400), metavar="SECONDS", help="give up after this long (default 300)")
    p.set_defaults(run=run)
