import { type Command, Option } from '@commander-js/extra-typings';
import { DECISIONS } from '@faramesh/contract';
import type { App } from '../app.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { findCaseFiles, runCaseFile } from '../local/case-files.js';
import { choiceOption, intOption } from '../option-parsers.js';
import { diagnosticLine } from '../output/diagnostics.js';
import { safeText } from '../output/safe-text.js';
import { policyDiff } from './policy-diff.js';
import { policyRefresh } from './policy-refresh.js';
import { registerPolicyShadow } from './policy-shadow.js';
import { policyTest } from './policy-test.js';
import { policyValidate } from './policy-validate.js';

/**
 * `policy test <dir|file...>`: runs policy case files (action → expected decision/risk, and
 * expected diagnostics) like `opa test`; exit 1 when a case fails or a file is broken.
 */
export async function policyCases(ctx: Context, paths: string[], options: { verbose?: boolean }): Promise<number> {
  const files = findCaseFiles(ctx.io.cwd, paths.length > 0 ? paths : ['policies']);
  if (files.length === 0) throw new CliError(`no case files (*.cases.yaml) in ${paths.join(', ') || 'policies'}`);
  const runs = files.map((file) => runCaseFile(ctx.io.cwd, file));
  const total = runs.reduce((n, r) => n + r.results.length, 0);
  const passed = runs.reduce((n, r) => n + r.results.filter((x) => x.passed).length, 0);
  const broken = runs.filter((r) => r.diagnostics.length > 0).length;
  const ok = passed === total && broken === 0;
  if (ctx.json) {
    ctx.out.json({ ok, passed, failed: total - passed, broken_files: broken, files: runs });
    return ok ? 0 : 1;
  }
  const { c } = ctx.out;
  for (const run of runs) {
    ctx.out.line(`${c.bold(safeText(run.file))}${run.name ? c.dim(` (${safeText(run.name)})`) : ''}`);
    for (const d of run.diagnostics) ctx.out.line(`  ${diagnosticLine(d, c)}`);
    for (const result of run.results) {
      if (result.passed) {
        if (options.verbose || ctx.out.tty) ctx.out.line(`  ${c.green('✓')} ${safeText(result.name)}`);
        continue;
      }
      ctx.out.line(`  ${c.red('✗')} ${safeText(result.name)} ${c.dim(`(${safeText(run.file)}:${result.line})`)}`);
      for (const failure of result.failures) ctx.out.line(`      ${safeText(failure)}`);
    }
  }
  ctx.out.line();
  const summary = `${passed}/${total} cases passed in ${runs.length} file${runs.length === 1 ? '' : 's'}`;
  if (ok) ctx.out.line(`${c.green('PASS')}: ${summary}`);
  else {
    const brokenNote = broken > 0 ? `, ${broken} file${broken === 1 ? '' : 's'} with errors` : '';
    ctx.out.line(`${c.red('FAIL')}: ${summary}, ${total - passed} failed${brokenNote}`);
  }
  return ok ? 0 : 1;
}

/**
 * The `policy` group: `policy test`, plus `validate`, `diff`, `refresh` and `eval` as spellings of
 * the seed's flat commands (policy-validate, policy-diff, policy-refresh, policy-test).
 */
export function registerPolicyGroup(program: Command, app: App): void {
  const policy = program
    .command('policy')
    .description('policy as code: test, validate, diff, eval, refresh (policy test runs case files)');
  policy
    .command('validate')
    .description('same as policy-validate')
    .argument('<files...>', 'policy YAML files')
    .option('--strict', 'treat warnings as errors')
    .action(async (files, opts, cmd) => {
      app.exitCode = await policyValidate(app.context(cmd), files, opts);
    });
  policy
    .command('diff')
    .description('same as policy-diff')
    .argument('<old>', 'old policy file')
    .argument('<new>', 'new policy file')
    .option('--db <path>', 'SQLite database whose actions to replay through both policies')
    .option('--limit <n>', 'at most this many stored actions', intOption('--limit', 1, 10_000_000))
    .action(async (oldPath, newPath, opts, cmd) => {
      app.exitCode = await policyDiff(app.context(cmd), oldPath, newPath, opts);
    });
  policy
    .command('eval')
    .description('same as policy-test: evaluate an action file against a policy file')
    .argument('<policy>', 'policy YAML file')
    .argument('<action>', 'action file (JSON or YAML)')
    .addOption(
      new Option('--expect <decision>', 'exit 1 unless the decision is this').argParser(
        choiceOption('--expect', DECISIONS),
      ),
    )
    .action(async (policyPath, action, opts, cmd) => {
      app.exitCode = await policyTest(app.context(cmd), policyPath, action, opts);
    });
  policy
    .command('refresh')
    .description('same as policy-refresh')
    .action(async (_opts, cmd) => {
      app.exitCode = await policyRefresh(app.context(cmd));
    });
  policy
    .command('test')
    .description('run policy test cases (*.cases.yaml: action → expected decision/risk) with a pass/fail summary')
    .argument('[paths...]', 'case files or directories (default: policies)')
    .option('-v, --verbose', 'list passing cases too (always on a terminal)')
    .action(async (paths, opts, cmd) => {
      app.exitCode = await policyCases(app.context(cmd), paths, opts);
    });
  registerPolicyShadow(policy, app);
}
