import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { safeText } from '../output/safe-text.js';

/** `policy-refresh`: the running server re-reads its policy file (admin). */
export async function policyRefresh(ctx: Context): Promise<number> {
  const info = await ctx.client.reloadPolicy();
  if (ctx.json) {
    ctx.out.json(info);
    return 0;
  }
  ctx.out.success(`Policy reloaded: ${safeText(info.file)}`);
  ctx.out.line(`  Version: ${safeText(info.version)}`);
  ctx.out.line(`  Hash:    ${info.hash}`);
  ctx.out.line(`  Rules:   ${count(info.rules)} (${count(info.risk_rules)} risk rules)`);
  return 0;
}

export function registerPolicyRefresh(program: Command, app: App): void {
  program
    .command('policy-refresh')
    .description("reload the running server's policy file (admin token); an invalid file keeps the old policy")
    .action(async (_opts, cmd) => {
      app.exitCode = await policyRefresh(app.context(cmd));
    });
}

function count(value: number | unknown[]): number {
  return Array.isArray(value) ? value.length : value;
}
