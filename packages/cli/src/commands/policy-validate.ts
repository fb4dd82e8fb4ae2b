import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { loadPolicyFile } from '../local/policy-file.js';
import { diagnosticLine } from '../output/diagnostics.js';
import { safeText } from '../output/safe-text.js';

/** `policy-validate <file...>`: every problem as file:line:col; exit 1 when any file has errors. */
export async function policyValidate(ctx: Context, files: string[], options: { strict?: boolean }): Promise<number> {
  const results = files.map((file) => loadPolicyFile(ctx.io.cwd, file));
  let failed = false;
  const report = results.map((r) => {
    const diagnostics = r.ok ? r.warnings : r.diagnostics;
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const valid = r.ok && !(options.strict && warnings > 0);
    if (!valid) failed = true;
    return { r, diagnostics, errors, warnings, valid };
  });
  if (ctx.json) {
    ctx.out.json(
      report.map(({ r, diagnostics, valid }) => ({
        file: r.file,
        valid,
        version: r.ok ? r.policy.version : null,
        hash: r.ok ? r.policy.hash : null,
        rules: r.ok ? r.policy.rules.length : null,
        risk_rules: r.ok ? r.policy.riskRules.length : null,
        diagnostics,
      })),
    );
    return failed ? 1 : 0;
  }
  const { c } = ctx.out;
  for (const { r, diagnostics, errors, warnings, valid } of report) {
    for (const d of diagnostics) ctx.out.line(diagnosticLine(d, c));
    const note = warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
    if (r.ok && valid) {
      ctx.out.line(
        `${c.green('✓')} ${r.file} is valid: ${r.policy.rules.length} rules, ${r.policy.riskRules.length} risk rules, version ${safeText(r.policy.version)}${note}`,
      );
    } else if (r.ok) {
      ctx.out.line(`${c.red('✗')} ${r.file}: ${warnings} warning${warnings === 1 ? '' : 's'} (--strict)`);
    } else {
      ctx.out.line(`${c.red('✗')} ${r.file} is invalid: ${errors} error${errors === 1 ? '' : 's'}${note}`);
    }
  }
  return failed ? 1 : 0;
}

export function registerPolicyValidate(program: Command, app: App): void {
  program
    .command('policy-validate')
    .description('check policy files without a server; lists every problem as file:line:col')
    .argument('<files...>', 'policy YAML files')
    .option('--strict', 'treat warnings (e.g. unreachable rules) as errors')
    .action(async (files, opts, cmd) => {
      app.exitCode = await policyValidate(app.context(cmd), files, opts);
    });
}
