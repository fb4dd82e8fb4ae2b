import type { Command } from '@commander-js/extra-typings';
import type { ShadowPolicyStatus, ShadowReport } from '@faramesh/contract';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { readText, requirePolicy } from '../local/policy-file.js';
import { intOption } from '../option-parsers.js';
import { safeText } from '../output/safe-text.js';

/** `policy shadow set <file>`: checked here first (file:line:col), then set on the server (admin). */
export async function shadowSet(ctx: Context, file: string): Promise<number> {
  requirePolicy(ctx.io.cwd, file);
  const status = await ctx.client.setShadowPolicy(readText(ctx.io.cwd, file, 'policy file'));
  if (ctx.json) ctx.out.json(status);
  else {
    ctx.out.success(`Shadow policy set: evaluated beside the active one on every submission`);
    printStatus(ctx, status);
  }
  return 0;
}

export async function shadowShow(ctx: Context): Promise<number> {
  const status = await ctx.client.shadowPolicy();
  if (ctx.json) ctx.out.json(status);
  else if (!status.active) ctx.out.line('No shadow policy is set.');
  else printStatus(ctx, status);
  return 0;
}

export async function shadowClear(ctx: Context): Promise<number> {
  const status = await ctx.client.clearShadowPolicy();
  if (ctx.json) ctx.out.json(status);
  else ctx.out.line(status.cleared ? 'Shadow policy cleared.' : 'No shadow policy was set.');
  return 0;
}

export async function shadowReport(ctx: Context, options: { since?: string; examples?: number }): Promise<number> {
  const report = await ctx.client.shadowReport({
    ...(options.since !== undefined && { since: options.since }),
    ...(options.examples !== undefined && { examples: options.examples }),
  });
  if (ctx.json) ctx.out.json(report);
  else printReport(ctx, report);
  return 0;
}

/** Promotes only the shadow policy whose report it shows (its hash), so a change in between is refused. */
export async function shadowPromote(ctx: Context, options: { since?: string }): Promise<number> {
  const status = await ctx.client.shadowPolicy();
  const promotion = await ctx.client.promoteShadowPolicy({
    ...(status.hash !== null && { expected_hash: status.hash }),
    ...(options.since !== undefined && { since: options.since }),
  });
  if (ctx.json) {
    ctx.out.json(promotion);
    return 0;
  }
  ctx.out.success(
    `Shadow policy promoted: ${safeText(promotion.file)} now holds ${safeText(promotion.policy_hash.slice(0, 12))}`,
  );
  ctx.out.line(`  Previous: ${safeText(promotion.previous_policy_hash)}`);
  ctx.out.line(`  Recorded: action ${safeText(promotion.action_id)} (with the report below)`);
  printReport(ctx, promotion.report);
  // What the status said before promoting: those values are stored in the clear from now on.
  printRedactionStops(ctx, status, 'is no longer redacted');
  return 0;
}

/** A warning per `redact:` path the shadow policy drops (`redaction_change.stops`), if any. */
function printRedactionStops(ctx: Context, status: ShadowPolicyStatus, what: string): void {
  for (const path of status.redaction_change?.stops ?? []) {
    ctx.out.warn(`  ${safeText(path)} ${what}: the shadow policy doesn't list it under redact:`);
  }
}

function printStatus(ctx: Context, status: ShadowPolicyStatus): void {
  ctx.out.line(
    `  Source:  ${status.source === 'file' ? `file ${safeText(status.file ?? '?')}` : 'API (shared by every replica)'}`,
  );
  ctx.out.line(`  Version: ${safeText(status.version ?? '?')}`);
  ctx.out.line(`  Hash:    ${safeText(status.hash ?? '?')}`);
  ctx.out.line(`  Rules:   ${status.rules} (${status.risk_rules} risk rules)`);
  ctx.out.line(`  Compare: ${status.compare}`);
  if (status.set_at !== null) {
    ctx.out.line(`  Set:     ${safeText(status.set_at)}${status.set_by ? ` by ${safeText(status.set_by)}` : ''}`);
  }
  if (status.last_error !== null) ctx.out.warn(`  Last reload failed: ${safeText(status.last_error.message)}`);
  printRedactionStops(ctx, status, 'would be stored in the clear if promoted');
}

function printReport(ctx: Context, report: ShadowReport): void {
  const { c } = ctx.out;
  ctx.out.line(
    `${c.bold(`${report.disagreements}`)} of ${report.submissions} submissions would have been decided differently since ${safeText(report.since)} (shadow ${safeText(report.policy_hash.slice(0, 12))})`,
  );
  for (const t of report.transitions) {
    const examples = t.examples.length ? c.dim(`  e.g. ${safeText(t.examples.join(', '))}`) : '';
    ctx.out.line(`  ${safeText(`${t.from} → ${t.to}`)}: ${t.count}${examples}`);
  }
  if (report.rules.length > 0) ctx.out.line('By rule of the shadow policy:');
  for (const r of report.rules) {
    const rule =
      r.rule === null ? 'no rule matched (default deny)' : `#${r.rule.index} ${r.rule.description ?? ''}`.trim();
    ctx.out.line(`  ${safeText(`${rule}: ${r.from} → ${r.to}`)}: ${r.count}`);
  }
}

/** `policy shadow set|show|report|clear|promote`, under the `policy` group. */
export function registerPolicyShadow(policy: Command, app: App): void {
  const shadow = policy
    .command('shadow')
    .description('a candidate policy evaluated beside the active one: set, show, report, clear, promote');
  shadow
    .command('set')
    .description('evaluate this policy file beside the active one on every submission (admin)')
    .argument('<file>', 'candidate policy YAML file')
    .action(async (file, _opts, cmd) => {
      app.exitCode = await shadowSet(app.context(cmd), file);
    });
  shadow
    .command('show')
    .description('the shadow policy, if any')
    .action(async (_opts, cmd) => {
      app.exitCode = await shadowShow(app.context(cmd));
    });
  shadow
    .command('report')
    .description('what the shadow policy would have changed: counts by old → new decision and by rule')
    .option('--since <when>', 'a duration back (24h, 7d) or a UTC timestamp (default 24h)')
    .option('--examples <n>', 'example action ids per line', intOption('--examples', 0, 20))
    .action(async (opts, cmd) => {
      app.exitCode = await shadowReport(app.context(cmd), opts);
    });
  shadow
    .command('clear')
    .description('stop evaluating the shadow policy (admin); recorded disagreements stay')
    .action(async (_opts, cmd) => {
      app.exitCode = await shadowClear(app.context(cmd));
    });
  shadow
    .command('promote')
    .description('make the shadow policy the active one, recording its report in the ledger (admin)')
    .option('--since <when>', 'window of the recorded report (default 24h)')
    .action(async (opts, cmd) => {
      app.exitCode = await shadowPromote(app.context(cmd), opts);
    });
}
