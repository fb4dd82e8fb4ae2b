"""`explain <id>`: why the action was decided so, with the engine's full rule trace."""

from __future__ import annotations

import argparse
from typing import Any

from ..colour import paint_decision, paint_risk, paint_status
from ..context import Context
from ..safe_text import safe_text
from ..text import inline_json, short_id
from ..trace import trace_lines


def run(ctx: Context, opts: argparse.Namespace) -> int:
    answer = ctx.client.explain(opts.id)
    if ctx.json:
        ctx.out.json(answer)
        return 0
    action, explanation, policy = answer["action"], answer["explanation"], answer.get("policy") or {}
    c, out = ctx.out.c, ctx.out.line
    risk_rule = f" (risk rule: {safe_text(action['risk_rule'])})" if action.get("risk_rule") else ""
    out(f"Action Explanation: {short_id(str(action['id']))}")
    out()
    out(f"Status: {paint_status(c, str(action.get('status', '')))}")
    out(f"Decision: {paint_decision(c, str(action.get('decision', '')))}")
    out(f"Reason: {safe_text(action.get('reason') or action.get('reason_code', ''))}")
    out(f"Risk Level: {paint_risk(c, str(action.get('risk_level', '')))}{risk_rule}")
    out()
    out(f"Policy File: {safe_text(policy.get('file', ''))}")
    out(f"Policy Version: {safe_text(action.get('policy_version', ''))}")
    out()
    out(f"Tool: {safe_text(action.get('tool', ''))}")
    out(f"Operation: {safe_text(action.get('operation', ''))}")
    out(f"Params: {safe_text(inline_json(action.get('params', {})))}")
    out()
    if not answer.get("decided_by_current_policy", True):
        was, now = safe_text(action.get("policy_version", "")), safe_text(policy.get("version", ""))
        out(c.yellow(f"The policy changed since this action was decided (version {was} → {now})."))
        would = paint_decision(c, str(explanation.get("decision", "")))
        out(f"Under the current policy it would be: {would}, risk {paint_risk(c, str(explanation.get('risk_level', '')))}.")
        out()
    for line in trace_lines(explanation, c):
        out(line)
    return 0


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "explain", parents=[parent], help="explain why an action was allowed/denied: every rule tried and why it matched or not"
    )
    p.add_argument("id", help="action id or prefix")
    p.set_defaults(run=run)
