import { type Command, Option } from '@commander-js/extra-typings';
import { DECISIONS, type Decision } from '@faramesh/contract';
import { explain } from '@faramesh/policy';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { readActionFile } from '../local/action-file.js';
import { requirePolicy } from '../local/policy-file.js';
import { choiceOption } from '../option-parsers.js';
import { paintDecision, paintRisk } from '../output/colour.js';
import { ruleNumber } from '../output/rule-number.js';
import { safeJson, safeText } from '../output/safe-text.js';
import { traceLines } from '../output/trace.js';

/**
 * `policy-test <policy> <action>`: evaluates an action file against a policy file locally (no
 * server) and prints the decision with the full trace. `--expect` turns it into a check (exit 1).
 */
export async function policyTest(
  ctx: Context,
  policyPath: string,
  actionPath: string,
  options: { expect?: Decision },
): Promise<number> {
  const policy = requirePolicy(ctx.io.cwd, policyPath);
  const actions = readActionFile(ctx.io.cwd, actionPath);
  const results = actions.map((action) => ({ action, explanation: explain(policy, action) }));
  const mismatched = options.expect !== undefined && results.some((r) => r.explanation.decision !== options.expect);
  if (ctx.json) {
    ctx.out.json(
      results.map((r) => ({
        action: r.action,
        ...r.explanation,
        policy_version: policy.version,
        policy_hash: policy.hash,
      })),
    );
    return mismatched ? 1 : 0;
  }
  const { c } = ctx.out;
  results.forEach(({ action, explanation }, i) => {
    if (i > 0) ctx.out.line();
    ctx.out.line(
      `Action: ${safeText(action.tool)} ${safeText(action.operation)} ${safeJson(action.params)} (agent ${safeText(action.agent_id)})`,
    );
    ctx.out.line(`Decision: ${paintDecision(c, explanation.decision)}`);
    ctx.out.line(
      `Risk Level: ${paintRisk(c, explanation.risk_level)}${explanation.risk_rule ? ` (risk rule: ${safeText(explanation.risk_rule)})` : ''}`,
    );
    ctx.out.line(`Reason: ${safeText(explanation.reason ?? '(none)')} (${explanation.reason_code})`);
    const rule = explanation.matched_rule;
    ctx.out.line(
      `Matched Rule: ${rule ? `${ruleNumber(rule.index)}${rule.description ? ` ${safeText(rule.description)}` : ''}` : 'none (default deny)'}`,
    );
    ctx.out.line(`Policy: ${safeText(policy.file)} (version ${safeText(policy.version)})`);
    ctx.out.line();
    for (const line of traceLines({ ...explanation }, c)) ctx.out.line(line);
    if (options.expect !== undefined && explanation.decision !== options.expect) {
      ctx.out.line();
      ctx.out.line(`${c.red('✗')} expected ${options.expect}, got ${explanation.decision}`);
    }
  });
  return mismatched ? 1 : 0;
}

export function registerPolicyTest(program: Command, app: App): void {
  program
    .command('policy-test')
    .description('evaluate an action file (JSON/YAML) against a policy file, without a server')
    .argument('<policy>', 'policy YAML file')
    .argument('<action>', 'action file: {tool, operation, params?, context?, agent_id?} or a list of them')
    .addOption(
      new Option('--expect <decision>', 'exit 1 unless the decision is this').argParser(
        choiceOption('--expect', DECISIONS),
      ),
    )
    .action(async (policy, action, opts, cmd) => {
      app.exitCode = await policyTest(app.context(cmd), policy, action, opts);
    });
}
