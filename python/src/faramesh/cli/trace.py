"""The policy engine's trace as text (packages/cli/src/output/trace.ts): every rule in order with each
condition (expected vs actual), the rule that decided, the risk rule that fired, a high-risk upgrade.
What the agent sent (actual values, commands, paths) and the policy's own words go through `safe_text`,
after any cut to length, as the Node CLI does it."""

from __future__ import annotations

from typing import Any, Callable, List, Mapping, Sequence

from .colour import Colours, paint_decision, paint_risk
from .rule_number import rule_number
from .safe_text import safe_text
from .text import inline_json, truncate


def trace_lines(explanation: Mapping[str, Any], c: Colours) -> List[str]:
    rules: Sequence[Mapping[str, Any]] = explanation.get("rules") or []
    risks: Sequence[Mapping[str, Any]] = explanation.get("risk") or []
    no_rule = f"  {c.red('→')} no rule matched: {paint_decision(c, 'deny')} by default"
    lines = _section(c.bold("Rule trace (first match wins):"), rules, "  (no rules)", no_rule, lambda r: _rule_lines(r, c))
    lines.append("")
    no_risk = f"  → no risk rule matched: risk {paint_risk(c, 'low')}"
    lines += _section(c.bold("Risk rules (first match sets the risk):"), risks, "  (no risk rules)", no_risk, lambda r: _risk_lines(r, c))
    if explanation.get("reason_code") == "high_risk_upgrade":
        upgrade = f"high risk turned {paint_decision(c, 'allow')} into {paint_decision(c, 'require_approval')}"
        lines += ["", f"{c.yellow('!')} {upgrade}"]
    limit = explanation.get("limit")
    if limit:
        lines += ["", _limit_line(limit, c)]
    if explanation.get("normalized_command"):
        lines += ["", f"Normalized command: {safe_text(explanation['normalized_command'])}"]
    shell = explanation.get("shell")
    if shell:
        lines += _shell_lines(shell, c)
    return lines


def _limit_line(limit: Mapping[str, Any], c: Colours) -> str:
    """`Limit of #1: limit 20 per 1h by agent_id — 20 used, this call 1 → over the limit: require_approval`."""
    amount = limit.get("amount")
    call = f"this call's {limit.get('sum')} is unreadable" if amount is None else f"this call {_number(amount)}"
    if limit.get("reached"):
        verdict = f"{c.yellow('over the limit')}: {paint_decision(c, str(limit.get('over_limit', '')))}"
    else:
        verdict = c.green("within the limit")
    rule = rule_number(int(limit.get("rule", 0)))
    return f"Limit of {rule}: {safe_text(limit.get('text', ''))} — {_number(limit.get('used', 0))} used, {safe_text(call)} → {verdict}"


def _number(value: Any) -> str:
    """Numbers as the Node CLI prints them: 20, not 20.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shell_lines(shell: Mapping[str, Any], c: Colours) -> List[str]:
    """The commands the engine found in the command line, and why its analysis is incomplete if it is."""
    found = [
        str(cmd.get("name", "")) if not cmd.get("via") else f"{cmd.get('name', '')} (via {' › '.join(str(v) for v in cmd['via'])})"
        for cmd in shell.get("commands") or []
    ]
    lines = [f"Commands that would run: {'(none)' if not found else safe_text(truncate(', '.join(found), 200))}"]
    writes = [f"{r.get('operator', '')} {r.get('target', '')}" for r in shell.get("redirects") or [] if r.get("writes")]
    if writes:
        lines.append(f"Writes: {safe_text(truncate(', '.join(writes), 200))}")
    if not shell.get("complete", True):
        problems = safe_text("; ".join(str(p) for p in shell.get("problems") or []))
        lines.append(f"{c.yellow('!')} not fully understood (shell conditions take the stricter outcome): {problems}")
    return lines


def _section(
    title: str,
    items: Sequence[Mapping[str, Any]],
    empty: str,
    none_matched: str,
    render: Callable[[Mapping[str, Any]], List[str]],
) -> List[str]:
    lines = [title] + ([empty] if not items else [])
    for item in items:
        lines += render(item)
    if not any(i.get("status") == "matched" for i in items):
        lines.append(none_matched)
    return lines


def _rule_lines(rule: Mapping[str, Any], c: Colours) -> List[str]:
    name = f" {rule['name']}" if rule.get("name") else ""
    description = f" {rule['description']}" if rule.get("description") else ""
    label = safe_text(f"{rule_number(int(rule.get('index', 0)))}{name}{description}")
    effect = str(rule.get("effect", ""))
    if rule.get("status") == "not_evaluated":
        return [c.dim(f"  · {label} [{safe_text(effect)}] (not evaluated)")]
    if rule.get("status") == "matched":
        head = f"  {c.green('✓')} {label} [{paint_decision(c, effect)}] {c.green('← decided')}"
    else:
        head = f"  {c.red('✗')} {label} [{paint_decision(c, effect)}]"
    return [head] + _condition_lines(rule.get("conditions") or [], c)


def _risk_lines(risk: Mapping[str, Any], c: Colours) -> List[str]:
    name, level = safe_text(risk.get("name", "")), str(risk.get("risk_level", ""))
    if risk.get("status") == "not_evaluated":
        return [c.dim(f"  · {name} → {safe_text(level)} (not evaluated)")]
    label = f"{name} → {paint_risk(c, level)}"
    if risk.get("status") == "matched":
        head = f"  {c.green('✓')} {label} {c.green('← fired')}"
    else:
        head = f"  {c.red('✗')} {label}"
    return [head] + _condition_lines(risk.get("conditions") or [], c)


def _condition_lines(conditions: Sequence[Mapping[str, Any]], c: Colours) -> List[str]:
    out = []
    for cond in conditions:
        mark = c.green("✓") if cond.get("matched") else c.red("✗")
        expected = safe_text(truncate(inline_json(cond.get("expected")), 60))
        actual = safe_text(truncate(_actual_text(cond), 70))
        out.append(f"      {mark} {safe_text(cond.get('key', ''))}: expected {expected}, got {actual}")
    return out


def _actual_text(cond: Mapping[str, Any]) -> str:
    """`contains`/`pattern` report what they searched: the normalized command or the params JSON."""
    if "actual" not in cond:
        return "missing"
    actual = cond["actual"]
    if isinstance(actual, dict):
        if isinstance(actual.get("command"), str):
            return f"command {inline_json(actual['command'])}"
        if isinstance(actual.get("params_json"), str):
            return f"params {actual['params_json']}"
    return inline_json(actual)
