import type { ConditionTrace, Explanation, LimitTrace, RiskTrace, RuleTrace, ShellTrace } from '@faramesh/sdk';
import { type Colours, paintDecision, paintRisk } from './colour.js';
import { inlineJson, truncate } from './format.js';
import { ruleNumber } from './rule-number.js';
import { safeText } from './safe-text.js';

/**
 * The engine's full trace as text: every rule in order with each condition (expected vs actual),
 * which one decided, the risk rule that fired, and a high-risk upgrade if one happened. What the
 * agent sent (actual values, commands, paths) and the policy's own words go through `safeText`.
 */
export function traceLines(explanation: Explanation, c: Colours): string[] {
  const lines: string[] = [];
  lines.push(c.bold('Rule trace (first match wins):'));
  if (explanation.rules.length === 0) lines.push('  (no rules)');
  for (const rule of explanation.rules) lines.push(...ruleLines(rule, c));
  if (!explanation.rules.some((r) => r.status === 'matched')) {
    lines.push(`  ${c.red('→')} no rule matched: ${paintDecision(c, 'deny')} by default`);
  }
  lines.push('');
  lines.push(c.bold('Risk rules (first match sets the risk):'));
  if (explanation.risk.length === 0) lines.push('  (no risk rules)');
  for (const risk of explanation.risk) lines.push(...riskLines(risk, c));
  if (!explanation.risk.some((r) => r.status === 'matched')) {
    lines.push(`  → no risk rule matched: risk ${paintRisk(c, 'low')}`);
  }
  if (explanation.reason_code === 'high_risk_upgrade') {
    lines.push('');
    lines.push(
      `${c.yellow('!')} high risk turned ${paintDecision(c, 'allow')} into ${paintDecision(c, 'require_approval')}`,
    );
  }
  if (explanation.limit) lines.push('', limitLine(explanation.limit, c));
  if (explanation.normalized_command) {
    lines.push('');
    lines.push(`Normalized command: ${safeText(explanation.normalized_command)}`);
  }
  if (explanation.shell) lines.push(...shellLines(explanation.shell, c));
  return lines;
}

// The commands the engine found in the command line, and why its analysis is incomplete if it is.
function shellLines(shell: ShellTrace, c: Colours): string[] {
  const found = shell.commands.map((command) =>
    command.via.length === 0 ? command.name : `${command.name} (via ${command.via.join(' › ')})`,
  );
  const lines = [
    `Commands that would run: ${found.length === 0 ? '(none)' : safeText(truncate(found.join(', '), 200))}`,
  ];
  const writes = shell.redirects.filter((r) => r.writes).map((r) => `${r.operator} ${r.target}`);
  if (writes.length > 0) lines.push(`Writes: ${safeText(truncate(writes.join(', '), 200))}`);
  if (!shell.complete) {
    lines.push(
      `${c.yellow('!')} not fully understood (shell conditions take the stricter outcome): ${safeText(shell.problems.join('; '))}`,
    );
  }
  return lines;
}

function ruleLines(rule: RuleTrace, c: Colours): string[] {
  const label = safeText(
    `${ruleNumber(rule.index)}${rule.name ? ` ${rule.name}` : ''}${rule.description ? ` ${rule.description}` : ''}`,
  );
  const effect = `[${paintDecision(c, rule.effect)}]`;
  if (rule.status === 'not_evaluated') return [c.dim(`  · ${label} [${rule.effect}] (not evaluated)`)];
  if (rule.status === 'matched') {
    return [`  ${c.green('✓')} ${label} ${effect} ${c.green('← decided')}`, ...conditionLines(rule.conditions, c)];
  }
  return [`  ${c.red('✗')} ${label} ${effect}`, ...conditionLines(rule.conditions, c)];
}

function riskLines(risk: RiskTrace, c: Colours): string[] {
  const name = safeText(risk.name);
  const label = `${name} → ${paintRisk(c, risk.risk_level)}`;
  if (risk.status === 'not_evaluated') return [c.dim(`  · ${name} → ${safeText(risk.risk_level)} (not evaluated)`)];
  if (risk.status === 'matched')
    return [`  ${c.green('✓')} ${label} ${c.green('← fired')}`, ...conditionLines(risk.conditions, c)];
  return [`  ${c.red('✗')} ${label}`, ...conditionLines(risk.conditions, c)];
}

function conditionLines(conditions: ConditionTrace[], c: Colours): string[] {
  return conditions.map((cond) => {
    const mark = cond.matched ? c.green('✓') : c.red('✗');
    const expected = safeText(truncate(inlineJson(cond.expected), 60));
    const actual = safeText(truncate(actualText(cond.actual), 70));
    return `      ${mark} ${safeText(cond.key)}: expected ${expected}, got ${actual}`;
  });
}

/** `contains`/`pattern` report what they searched: the normalized command and the params JSON. */
function actualText(actual: unknown): string {
  if (actual === undefined) return 'missing';
  if (actual !== null && typeof actual === 'object' && !Array.isArray(actual)) {
    const searched = actual as { command?: unknown; params_json?: unknown };
    if (typeof searched.command === 'string') return `command ${JSON.stringify(searched.command)}`;
    if (typeof searched.params_json === 'string') return `params ${searched.params_json}`;
    const read = actual as PathsRead;
    if (typeof read.applies_to === 'string' && Array.isArray(read.named)) return pathsText(read);
  }
  return inlineJson(actual);
}

/** `path_*` conditions report the normalised paths they read: `any path of ["/a"]; unreadable at paths.1`. */
interface PathsRead {
  applies_to?: unknown;
  named?: unknown;
  possible?: unknown;
  unknown?: unknown;
  unreadable?: unknown;
}

function pathsText(read: PathsRead): string {
  const list = (items: unknown): string[] =>
    Array.isArray(items) ? items.map((item: { path?: string; at?: string }) => item.path ?? item.at ?? '?') : [];
  const parts = [`${String(read.applies_to)} of ${inlineJson(list(read.named))}`];
  const possible = list(read.possible);
  if (possible.length > 0) parts.push(`path-looking ${inlineJson(possible)}`);
  const unreadable = [...list(read.unknown), ...list(read.unreadable)];
  if (unreadable.length > 0) parts.push(`unreadable at ${unreadable.join(', ')}`);
  return parts.join('; ');
}

// `Limit of #1: limit 20 per 1h by agent_id — 20 used in its window now, this call 1 → over the limit
// now: require_approval`. "Now": the usage is the window's at this moment (an explained action that
// counts is in it itself), so the verdict is about a call like it made now, not the decision taken.
function limitLine(limit: LimitTrace, c: Colours): string {
  const call = limit.amount === null ? `this call's ${limit.sum} is unreadable` : `this call ${limit.amount}`;
  const verdict = limit.reached
    ? `${c.yellow('over the limit now')}: ${paintDecision(c, limit.over_limit)}`
    : c.green('within the limit now');
  return `Limit of ${ruleNumber(limit.rule)}: ${safeText(limit.text)} — ${limit.used} used in its window now, ${safeText(call)} → ${verdict}`;
}
