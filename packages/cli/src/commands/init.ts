import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { policiesDir } from '../package-assets.js';
import { ENV_EXAMPLE } from '../scaffold/project-templates.js';
import { writeScaffold } from '../scaffold/write-files.js';

/** `init [dir]`: scaffolds a starter layout (the shipped default policy and its cases, .env.example). */
export async function init(ctx: Context, dir: string | undefined, options: { force?: boolean }): Promise<number> {
  const root = resolve(ctx.io.cwd, dir ?? '.');
  const shipped = (name: string) => readFileSync(join(policiesDir(), name), 'utf8');
  const created = writeScaffold(
    root,
    [
      { path: 'policies/default.yaml', content: shipped('default.yaml') },
      { path: 'policies/default.cases.yaml', content: shipped('default.cases.yaml') },
      { path: '.env.example', content: ENV_EXAMPLE },
    ],
    options.force === true,
  );
  if (ctx.json) {
    ctx.out.json({ root, created });
    return 0;
  }
  ctx.out.success('Created starter files:');
  for (const path of created) ctx.out.line(`  • ${path}`);
  ctx.out.line();
  ctx.out.line('Next steps:');
  ctx.out.line('  1. Review policies/default.yaml');
  ctx.out.line('  2. Copy .env.example to .env and customize');
  ctx.out.line('  3. Check it: faramesh policy test policies');
  ctx.out.line('  4. Run: faramesh serve');
  return 0;
}

export function registerInit(program: Command, app: App): void {
  program
    .command('init')
    .description('scaffold a starter layout: policies/default.yaml, an example case file, .env.example')
    .argument('[dir]', 'where to create the files (default: current directory)')
    .option('--force', 'overwrite existing files')
    .action(async (dir, opts, cmd) => {
      app.exitCode = await init(app.context(cmd), dir, opts);
    });
}
