import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';
import { COMPOSE, DOCKERIGNORE, dockerfile } from '../scaffold/docker-templates.js';
import { writeScaffold } from '../scaffold/write-files.js';
import { VERSION } from '../version.js';

/** `init-docker [dir]`: writes Dockerfile, docker-compose.yaml and .dockerignore. */
export async function initDocker(ctx: Context, dir: string | undefined, options: { force?: boolean }): Promise<number> {
  const root = resolve(ctx.io.cwd, dir ?? '.');
  const created = writeScaffold(
    root,
    [
      { path: 'Dockerfile', content: dockerfile(VERSION) },
      { path: 'docker-compose.yaml', content: COMPOSE },
      { path: '.dockerignore', content: DOCKERIGNORE },
    ],
    options.force === true,
  );
  if (ctx.json) {
    ctx.out.json({ root, created });
    return 0;
  }
  ctx.out.success('Created Docker files:');
  for (const path of created) ctx.out.line(`  • ${path}`);
  ctx.out.line();
  ctx.out.line('Next steps:');
  if (!existsSync(resolve(root, 'policies/default.yaml')))
    ctx.out.line('  0. Run: faramesh init (the image copies policies/)');
  ctx.out.line('  1. Run: docker compose up');
  ctx.out.line('  2. Open: http://localhost:8000');
  return 0;
}

export function registerInitDocker(program: Command, app: App): void {
  program
    .command('init-docker')
    .description('generate Dockerfile, docker-compose.yaml and .dockerignore')
    .argument('[dir]', 'where to create the files (default: current directory)')
    .option('--force', 'overwrite existing files')
    .action(async (dir, opts, cmd) => {
      app.exitCode = await initDocker(app.context(cmd), dir, opts);
    });
}
