"""`approve <id>` (alias `allow`) and `deny <id>`: decide a pending action (approver or admin token)."""

from __future__ import annotations

import argparse
from typing import Any

from ...approval import progress_text
from ...errors import ConflictError, PermissionDeniedError
from ..colour import paint_status
from ..context import Context
from ..safe_text import safe_text
from ..text import short_id


def decide(ctx: Context, opts: argparse.Namespace, approve: bool) -> int:
    action = ctx.client.get_action(opts.id)
    if action.get("status") != "pending_approval":
        raise ConflictError(f"action {action['id']} is {action.get('status')}, not pending_approval", code="not_pending")
    if not action.get("approval_token"):
        raise PermissionDeniedError(
            f"the approval token of {action['id']} is not visible with this token (needs the approver or admin role)",
            code="approval_token_unavailable",
        )
    call = ctx.client.approve if approve else ctx.client.deny
    # The approval is bound to the action shown: its token and (inside the client) its request hash.
    decided = call(str(action["id"]), token=str(action["approval_token"]), reason=opts.reason)
    if ctx.json:
        ctx.out.json(decided)
        return 0
    c = ctx.out.c
    mark, verb = (c.green("✓"), "Approved") if approve else (c.red("✗"), "Denied")
    what = f"{safe_text(decided.get('tool', ''))} {safe_text(decided.get('operation', ''))}"
    # A partial approval leaves the action pending: say how far the quorum got and whom it waits for
    # (names as the policy or an admin wrote them, so through `safe_text` too).
    progress = progress_text(decided)
    status = str(decided.get("status", ""))
    if status == "pending_approval" and progress is not None:
        outcome = safe_text(progress)
    else:
        outcome = paint_status(c, status) + (f" ({safe_text(progress)})" if approve and progress is not None else "")
    ctx.out.line(f"{mark} {verb} {short_id(str(decided['id']))} ({what}): {outcome}")
    return 0


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    for name, aliases, approve, text in (
        ("approve", ["allow"], True, "approve a pending action (id or prefix)"),
        ("deny", [], False, "deny a pending action (id or prefix)"),
    ):
        p = sub.add_parser(name, aliases=aliases, parents=[parent], help=text)
        p.add_argument("id", help="action id or prefix")
        p.add_argument("--reason", metavar="TEXT", help="why (recorded in the ledger)")
        p.set_defaults(run=lambda ctx, opts, approve=approve: decide(ctx, opts, approve))
