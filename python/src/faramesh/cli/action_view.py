"""One action as the Node CLI shows it: a `list` row, or every field for `get`
(packages/cli/src/output/action-view.ts)."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Tuple

from .colour import Colours, paint_decision, paint_risk, paint_status
from .rule_number import rule_number
from .safe_text import safe_text
from .summary_cell import SUMMARY_WIDTH, summary_cell
from .text import format_datetime, inline_json, short_id

Action = Mapping[str, Any]

LIST_HEAD = ["ID", "Status", "Risk", "Tool", "Operation", "Summary", "Created"]


def list_row(action: Action, c: Colours, full: bool) -> List[str]:
    return [
        safe_text(action["id"]) if full else short_id(str(action["id"])),
        paint_status(c, str(action.get("status", ""))),
        paint_risk(c, str(action.get("risk_level", ""))),
        safe_text(action.get("tool", "")),
        safe_text(action.get("operation", "")),
        summary_cell(action) if full else summary_cell(action, SUMMARY_WIDTH),
        format_datetime(str(action.get("created_at", ""))),
    ]


def matched_rule_text(rule: Optional[Mapping[str, Any]]) -> str:
    if not rule:
        return "none (default deny)"
    description = rule.get("description")
    return f"{rule_number(int(rule['index']))}{f' {safe_text(description)}' if description else ''}"


def _when(value: Any) -> Optional[str]:
    return format_datetime(str(value)) if value else None


def _approval_rows(action: Action) -> List[Tuple[str, Optional[str]]]:
    """The quorum: who approved (when, why), who may still, the escalation ladder (as the Node CLI shows it)."""
    required = action.get("approvals_required")
    if required is None:
        return []
    votes = [
        f"{safe_text(v.get('by', ''))} at {format_datetime(str(v.get('at', '')))}" + (f' ("{safe_text(v["reason"])}")' if v.get("reason") else "")
        for v in action.get("approvals") or []
    ]
    steps = int(action.get("escalation_steps") or 0)
    next_at = action.get("next_escalation_at")
    waiting = action.get("waiting_for") or {}
    return [
        ("Approvals", f"{len(votes)} of {required}" + (f": {'; '.join(votes)}" if votes else "")),
        ("Waiting For", safe_text(waiting["text"]) if waiting.get("text") else None),
        (
            "Escalation",
            f"step {int(action.get('escalation_step') or 0)} of {steps}" + (f", next at {format_datetime(str(next_at))}" if next_at else "")
            if steps > 0
            else None,
        ),
    ]


def _text(value: Any) -> Optional[str]:
    return safe_text(value) if value else None


def _lines(value: Any) -> Optional[str]:
    """A free-text field that may span lines (a reason, a result error): its line feeds kept."""
    return safe_text(value, multiline=True) if value else None


def action_detail(action: Action, c: Colours) -> List[str]:
    """Every field of one action as `Label: value` lines. Whatever an agent or a person wrote goes
    through `safe_text`; only the free-text reasons and the result error keep their line breaks, each
    further line indented under the value so it can't pose as a row of its own."""
    reason, code = action.get("reason"), safe_text(action.get("reason_code", ""))
    risk_rule = action.get("risk_rule")
    decided_by = action.get("approval_decided_by")
    decided_at = action.get("approval_decided_at")
    context = action.get("context") or {}
    rows: List[Tuple[str, Optional[str]]] = [
        ("Status", paint_status(c, str(action.get("status", "")))),
        ("Decision", paint_decision(c, str(action.get("decision", "")))),
        ("Reason", f"{_lines(reason)} ({code})" if reason else code),
        ("Risk Level", paint_risk(c, str(action.get("risk_level", ""))) + (f" (risk rule: {safe_text(risk_rule)})" if risk_rule else "")),
        ("Matched Rule", matched_rule_text(action.get("matched_rule"))),
        ("Agent", safe_text(action.get("agent_id", ""))),
        ("Tool", safe_text(action.get("tool", ""))),
        ("Operation", safe_text(action.get("operation", ""))),
        ("Params", safe_text(inline_json(action.get("params", {})))),
        ("Context", safe_text(inline_json(context)) if context else None),
        ("Policy", f"{safe_text(action.get('policy_version', ''))} ({safe_text(str(action.get('policy_hash', ''))[:12])})"),
        ("Request Hash", safe_text(action.get("request_hash", ""))),
        ("Submitted By", _text(action.get("submitted_by"))),
        ("Approval Token", _text(action.get("approval_token"))),
        ("Approval Expires", _when(action.get("approval_expires_at"))),
        ("Decided By", f"{safe_text(decided_by)}{f' at {format_datetime(str(decided_at))}' if decided_at else ''}" if decided_by else None),
        ("Decision Reason", _lines(action.get("approval_reason"))),
        *_approval_rows(action),
        ("Started", _when(action.get("started_at"))),
        ("Finished", _when(action.get("finished_at"))),
        ("Error", _lines(action.get("result_error"))),
        ("Created", format_datetime(str(action.get("created_at", "")))),
        ("Updated", f"{format_datetime(str(action.get('updated_at', '')))} (version {safe_text(action.get('version', ''))})"),
    ]
    shown = [(label, value) for label, value in rows if value]
    width = max(len(label) for label, _ in shown) + 1
    indent = "\n" + " " * (width + 1)
    return [f"{label}:".ljust(width + 1) + value.replace("\n", indent) for label, value in shown]
