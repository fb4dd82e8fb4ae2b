import type { Command } from '@commander-js/extra-typings';
import { diffPolicies, type RiskRuleInfo, type RuleInfo } from '@faramesh/policy';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { backtest } from '../local/backtest.js';
import { requirePolicy } from '../local/policy-file.js';
import { intOption } from '../option-parsers.js';
import { paintDecision, paintRisk } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { ruleNumber } from '../output/rule-number.js';
import { safeJson, safeText } from '../output/safe-text.js';

/** `policy-diff old new [--db path]`: rule-by-rule differences, and optionally a backtest. */
export async function policyDiff(
  ctx: Context,
  oldPath: string,
  newPath: string,
  options: { db?: string; limit?: number },
): Promise<number> {
  const oldPolicy = requirePolicy(ctx.io.cwd, oldPath);
  const newPolicy = requirePolicy(ctx.io.cwd, newPath);
  const diff = diffPolicies(oldPolicy, newPolicy);
  const tested = options.db
    ? await backtest(ctx.io.cwd, options.db, oldPolicy, newPolicy, options.limit ?? 10_000)
    : null;
  if (ctx.json) {
    ctx.out.json({ old: oldPolicy.file, new: newPolicy.file, diff, backtest: tested });
    return 0;
  }
  const { c } = ctx.out;
  const out = (line = ''): void => ctx.out.line(line);
  out('Policy Differences:');
  out();
  out(`Old: ${safeText(oldPolicy.file)}`);
  out(`New: ${safeText(newPolicy.file)}`);
  out();
  out(`Old rules: ${oldPolicy.rules.length}`);
  out(`New rules: ${newPolicy.rules.length}`);
  if (oldPolicy.riskRules.length + newPolicy.riskRules.length > 0) {
    out(`Old risk rules: ${oldPolicy.riskRules.length}`);
    out(`New risk rules: ${newPolicy.riskRules.length}`);
  }
  if (diff.identical) {
    out();
    out('No differences in rules or risk rules.');
  }
  const section = (title: string, lines: string[]): void => {
    if (lines.length === 0) return;
    out();
    out(`${title}:`);
    for (const line of lines) out(`  ${line}`);
  };
  section(
    'Added rules',
    diff.rules.added.map((r) => `${c.green('+')} ${ruleLabel(r)}`),
  );
  section(
    'Removed rules',
    diff.rules.removed.map((r) => `${c.red('-')} ${ruleLabel(r)}`),
  );
  section(
    'Changed rules',
    diff.rules.changed.flatMap((ch) => [
      `${c.yellow('~')} ${ruleLabel(ch.new)}`,
      ...ch.fields.map((f) => `    ${safeText(f)}: ${fieldText(ch.old, f)} → ${fieldText(ch.new, f)}`),
    ]),
  );
  section(
    'Reordered rules',
    diff.rules.reordered.map(
      (m) => `${c.cyan('↕')} ${ruleLabel(m.rule)}: ${ruleNumber(m.old_index)} → ${ruleNumber(m.new_index)}`,
    ),
  );
  section(
    'Added risk rules',
    diff.risk_rules.added.map((r) => `${c.green('+')} ${riskLabel(r)}`),
  );
  section(
    'Removed risk rules',
    diff.risk_rules.removed.map((r) => `${c.red('-')} ${riskLabel(r)}`),
  );
  section(
    'Changed risk rules',
    diff.risk_rules.changed.flatMap((ch) => [
      `${c.yellow('~')} ${riskLabel(ch.new)}`,
      ...ch.fields.map((f) => `    ${safeText(f)}: ${fieldText(ch.old, f)} → ${fieldText(ch.new, f)}`),
    ]),
  );
  section(
    'Reordered risk rules',
    diff.risk_rules.reordered.map(
      (m) => `${c.cyan('↕')} ${riskLabel(m.rule)}: ${ruleNumber(m.old_index)} → ${ruleNumber(m.new_index)}`,
    ),
  );

  if (tested) {
    out();
    out(
      `Backtest: ${tested.scanned} stored action${tested.scanned === 1 ? '' : 's'} from ${safeText(tested.database)}`,
    );
    if (tested.changed.length === 0) {
      out(`  ${c.green('✓')} none would be decided differently`);
    } else {
      out(`  ${tested.changed.length} would be decided differently:`);
      ctx.out.table(
        ['ID', 'Tool', 'Operation', 'Old decision', 'New decision', 'Old risk', 'New risk'],
        tested.changed.map((ch) => [
          shortId(ch.id),
          safeText(ch.tool),
          safeText(ch.operation),
          paintDecision(c, ch.old.decision),
          paintDecision(c, ch.new.decision),
          paintRisk(c, ch.old.risk_level),
          paintRisk(c, ch.new.risk_level),
        ]),
      );
    }
  }
  return 0;
}

function ruleLabel(rule: RuleInfo): string {
  const named = rule.description ?? rule.name;
  const name = named === null ? safeJson(rule.match) : safeText(named);
  return `${name} (${rule.effect})`;
}

function riskLabel(rule: RiskRuleInfo): string {
  return safeText(`${rule.name} → ${rule.risk_level}`);
}

function fieldText(rule: RuleInfo | RiskRuleInfo, field: string): string {
  const value = (rule as unknown as Record<string, unknown>)[field];
  return value === undefined ? 'none' : safeJson(value);
}

export function registerPolicyDiff(program: Command, app: App): void {
  program
    .command('policy-diff')
    .description('compare two policy files rule by rule; with --db, backtest stored actions against both')
    .argument('<old>', 'old policy file')
    .argument('<new>', 'new policy file')
    .option('--db <path>', 'SQLite database whose actions to replay through both policies')
    .option(
      '--limit <n>',
      'at most this many stored actions, newest first (default 10000)',
      intOption('--limit', 1, 10_000_000),
    )
    .action(async (oldPath, newPath, opts, cmd) => {
      app.exitCode = await policyDiff(app.context(cmd), oldPath, newPath, opts);
    });
}
