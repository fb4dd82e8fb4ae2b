import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { paintDecision, paintRisk, paintStatus } from '../output/colour.js';
import { shortId } from '../output/format.js';
import { safeJson, safeText } from '../output/safe-text.js';
import { traceLines } from '../output/trace.js';

/** `explain <id>`: why the action was decided so, with the engine's full rule trace. */
export async function explain(ctx: Context, id: string): Promise<number> {
  const answer = await ctx.client.explain(id);
  if (ctx.json) {
    ctx.out.json(answer);
    return 0;
  }
  const { action, explanation, policy } = answer;
  const { c } = ctx.out;
  const out = (line = ''): void => ctx.out.line(line);
  out(`Action Explanation: ${shortId(action.id)}`);
  out();
  out(`Status: ${paintStatus(c, action.status)}`);
  out(`Decision: ${paintDecision(c, action.decision)}`);
  out(`Reason: ${safeText(action.reason ?? action.reason_code)}`);
  out(
    `Risk Level: ${paintRisk(c, action.risk_level)}${action.risk_rule ? ` (risk rule: ${safeText(action.risk_rule)})` : ''}`,
  );
  out();
  out(`Policy File: ${safeText(policy.file)}`);
  out(`Policy Version: ${safeText(action.policy_version)}`);
  out();
  out(`Tool: ${safeText(action.tool)}`);
  out(`Operation: ${safeText(action.operation)}`);
  out(`Params: ${safeJson(action.params)}`);
  out();
  if (!answer.decided_by_current_policy) {
    out(
      c.yellow(
        `The policy changed since this action was decided (version ${safeText(action.policy_version)} → ${safeText(policy.version)}).`,
      ),
    );
    out(
      `Under the current policy it would be: ${paintDecision(c, explanation.decision)}, risk ${paintRisk(c, explanation.risk_level)}.`,
    );
    out();
  }
  for (const line of traceLines(explanation, c)) out(line);
  return 0;
}

export function registerExplain(program: Command, app: App): void {
  program
    .command('explain')
    .description('explain why an action was allowed/denied: every rule tried and why it matched or not')
    .argument('<id>', 'action id or prefix')
    .action(async (id, _opts, cmd) => {
      app.exitCode = await explain(app.context(cmd), id);
    });
}
