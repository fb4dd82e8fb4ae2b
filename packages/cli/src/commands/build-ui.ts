import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { displayPath } from '../local/policy-file.js';

/** Where the dashboard's sources live: the monorepo's packages/web, next to this package or under cwd. */
export function findWebPackage(cwd: string): string | null {
  const candidates = [fileURLToPath(new URL('../../../web', import.meta.url)), resolve(cwd, 'packages/web')];
  return candidates.find((dir) => existsSync(join(dir, 'package.json'))) ?? null;
}

/** `build-ui`: runs the web package's build, streaming its output. */
export async function buildUi(ctx: Context): Promise<number> {
  const dir = findWebPackage(ctx.io.cwd);
  if (dir === null) {
    throw new CliError(
      'no web UI sources here (packages/web): build-ui works in a Faramesh source checkout; installed packages ship the built UI',
    );
  }
  ctx.out.status(`Building the web UI in ${displayPath(ctx.io.cwd, dir)}...`);
  const code = await new Promise<number>((done, fail) => {
    const child = spawn('npm', ['run', 'build'], { cwd: dir, env: ctx.io.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (ctx.json ? ctx.io.stderr : ctx.io.stdout).write(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => ctx.io.stderr.write(chunk.toString()));
    child.on('error', (err) => fail(new CliError(`cannot run npm: ${err.message}`)));
    child.on('close', (status) => done(status ?? 1));
  });
  if (code !== 0) throw new CliError(`the web UI build failed (npm run build exited with ${code})`);
  const dist = join(dir, 'dist');
  if (ctx.json) ctx.out.json({ ok: true, dist });
  else ctx.out.success(`Web UI built: ${displayPath(ctx.io.cwd, dist)}`);
  return 0;
}

export function registerBuildUi(program: Command, app: App): void {
  program
    .command('build-ui')
    .description('build the web UI (packages/web) into static files the server serves')
    .action(async (_opts, cmd) => {
      app.exitCode = await buildUi(app.context(cmd));
    });
}
