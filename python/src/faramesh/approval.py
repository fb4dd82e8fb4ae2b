"""Typed access to an action's approval progress (team approvals: approvers, quorum, escalation).

Actions are plain dicts (the wire JSON); these TypedDicts name the fields the server adds for
approvals, and `approval_progress` reads them with their defaults, so callers get types instead of
`action["..."]` lookups. `progress_text` is the one-line summary the CLI prints.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, TypedDict

#: Ledger event types, as `event_type` in events and `action.<type>` as SSE event names.
EVENT_TYPES = (
    "created",
    "decision_made",
    "approved",
    "denied",
    "started",
    "succeeded",
    "failed",
    "expired",
    "cancelled",
    "approval_recorded",
    "escalated",
    "break_glass_reviewed",
)
#: SSE event names (`event:` lines and the frame's `type`) by ledger event type.
STREAM_EVENT_NAMES = {t: ("action.decided" if t == "decision_made" else f"action.{t}") for t in EVENT_TYPES}


class ApprovalVote(TypedDict):
    """One approval that counts towards the quorum."""

    by: str
    at: str
    reason: Optional[str]


class WaitingFor(TypedDict):
    """Who may still approve a pending action."""

    any_approver: bool
    approvers: List[str]
    identities: List[str]
    runtime_groups: List[str]
    text: str


class DecisionRight(TypedDict):
    """Whether the caller may approve or deny now (`you_may_decide`), and if not, why."""

    ok: bool
    code: str
    reason: Optional[str]


class ApprovalProgress(TypedDict):
    """An action's approval fields; `approvals_required` is None when it never needed approval."""

    approvals_required: Optional[int]
    approvals: List[ApprovalVote]
    waiting_for: Optional[WaitingFor]
    escalation_step: int
    escalation_steps: int
    next_escalation_at: Optional[str]
    you_may_decide: Optional[DecisionRight]


def approval_progress(action: Mapping[str, Any]) -> ApprovalProgress:
    """The approval progress of `action` (a dict from the SDK), with defaults for older servers."""
    return {
        "approvals_required": action.get("approvals_required"),
        "approvals": list(action.get("approvals") or []),
        "waiting_for": action.get("waiting_for"),
        "escalation_step": int(action.get("escalation_step") or 0),
        "escalation_steps": int(action.get("escalation_steps") or 0),
        "next_escalation_at": action.get("next_escalation_at"),
        "you_may_decide": action.get("you_may_decide"),
    }


def progress_text(action: Mapping[str, Any]) -> Optional[str]:
    """"approved 1 of 2; waiting for finance" while a quorum is incomplete, "2 of 2 approvals" once a
    multi-approval quorum completed; None when there is nothing to add."""
    progress = approval_progress(action)
    required = progress["approvals_required"]
    if required is None:
        return None
    count = len(progress["approvals"])
    if action.get("status") == "pending_approval":
        waiting = progress["waiting_for"]
        suffix = f"; waiting for {waiting['text']}" if waiting and waiting.get("text") else ""
        return f"approved {count} of {required}{suffix}"
    return f"{count} of {required} approvals" if required > 1 else None
