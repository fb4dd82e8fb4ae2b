import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { dockerTemplates, SOURCE_ROOT } from '../scaffold/docker-templates.js';
import { writeScaffold } from '../scaffold/write-files.js';

/**
 * `init-docker [dir]`: writes the repository's own Dockerfile, docker-compose.yaml and .dockerignore.
 * They build the image from a Faramesh checkout, so outside the checkout compose needs FARAMESH_SOURCE.
 */
export async function initDocker(ctx: Context, dir: string | undefined, options: { force?: boolean }): Promise<number> {
  const root = resolve(ctx.io.cwd, dir ?? '.');
  const created = writeScaffold(root, dockerTemplates(), options.force === true);
  const source = resolve(SOURCE_ROOT);
  const elsewhere = source !== root;
  if (ctx.json) {
    ctx.out.json({ root, created, source });
    return 0;
  }
  ctx.out.success('Created Docker files:');
  for (const path of created) ctx.out.line(`  • ${path}`);
  ctx.out.line();
  ctx.out.line('Next steps:');
  if (!existsSync(resolve(root, 'policies/default.yaml')))
    ctx.out.line('  0. Run: faramesh init (compose mounts ./policies)');
  if (elsewhere)
    ctx.out.line(`  1. Run: FARAMESH_SOURCE=${source} docker compose up   (the images build from the checkout)`);
  else ctx.out.line('  1. Run: docker compose up');
  ctx.out.line('  2. Open: http://localhost:8000 and log in with demo-approver-token (see docker-compose.yaml)');
  return 0;
}

export function registerInitDocker(program: Command, app: App): void {
  program
    .command('init-docker')
    .description('write the Dockerfile, docker-compose.yaml and .dockerignore of the Faramesh repository')
    .argument('[dir]', 'where to create the files (default: current directory)')
    .option('--force', 'overwrite existing files')
    .action(async (dir, opts, cmd) => {
      app.exitCode = await initDocker(app.context(cmd), dir, opts);
    });
}
