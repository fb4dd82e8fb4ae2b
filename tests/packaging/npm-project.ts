import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The repository's own TypeScript compiler (TS 7), used to type-check consumers. */
export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for npm and the installed tools: the caller's, minus the `npm_*` variables an
 * enclosing `npm test` sets (npm_config_local_prefix and friends point at this repository and would
 * turn a nested install into a workspace install). Node headers installed on the machine (Debian's
 * /usr/include/node) let native packages build from source without downloading them.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_nodedir', 'npm_config_registry', 'npm_config_cache', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_') && !keep.has(key.toLowerCase())) continue;
    if (key === 'INIT_CWD') continue;
    env[key] = value;
  }
  if (env.npm_config_nodedir === undefined && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return { ...env, ...extra };
}

/** Runs a command to completion, collecting its output. */
export function run(command: string, args: string[], options: SpawnOptions & { input?: string } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env: cleanEnv(), ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdin?.end(options.input ?? '');
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Throws with the command's output unless it exited 0. */
export async function mustRun(command: string, args: string[], options: SpawnOptions = {}): Promise<Run> {
  const out = await run(command, args, options);
  if (out.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${out.code}\n${out.stdout}\n${out.stderr}`);
  }
  return out;
}

export interface Workspace {
  name: string;
  version: string;
  location: string;
  private?: boolean;
}

/** The workspace packages that are published (npm's own view of the workspaces, minus private ones). */
export async function publishedWorkspaces(): Promise<Workspace[]> {
  const out = await mustRun('npm', ['query', '.workspace'], { cwd: ROOT });
  return (JSON.parse(out.stdout) as Workspace[]).filter((pkg) => pkg.private !== true);
}

/** Waits until `url` answers (any status), or throws after `ms`. */
export async function waitForHttp(url: string, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${ms} ms:\n${log()}`);
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
}
