import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The image suites build and run the repository's Dockerfile without a Docker engine: Debian's
 * `buildah` builds and runs it, `podman import` and `debootstrap` make the base image (no registry is
 * reachable). They need root (debootstrap, and buildah's chroot isolation without user namespaces).
 */
export const TOOLS = ['buildah', 'podman', 'debootstrap'] as const;

/**
 * Whether the image suites can run. Outside CI a missing tool skips them with the reason; under CI
 * (`CI` set, as `.ci/run` does) it is an error, so they can never be skipped silently there.
 */
export function imageToolsAvailability(
  ci = process.env.CI,
  found: (tool: string) => boolean = onPath,
  isRoot = process.getuid?.() === 0,
): { available: true } | { available: false; reason: string } {
  const missing = TOOLS.filter((tool) => !found(tool));
  const problems = [
    ...(missing.length > 0 ? [`${missing.join(', ')} not found (apt-get install -y ${missing.join(' ')})`] : []),
    ...(isRoot ? [] : ['not running as root (debootstrap and buildah --isolation chroot need it)']),
  ];
  if (problems.length === 0) return { available: true };
  const reason = `container image tests skipped: ${problems.join('; ')}`;
  if (ci) throw new Error(`${reason}; CI is set, so the image tests are mandatory`);
  return { available: false, reason };
}

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
}

/** Per-machine cache of the suites (the kustomize binary, the build lock, the last build's figures). */
export const CACHE_DIR = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'faramesh-test');

/** Runs a command to completion; throws with its output when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  if (code !== 0) {
    const tail = `${out}\n${err}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${tail}`);
  }
  return out;
}

/**
 * Holds a machine-wide lock while `work` runs, so parallel test files (and parallel checkouts on the
 * same machine) build one at a time and then reuse each other's cached layers. A lock whose holder
 * died is taken over.
 */
export async function withBuildLock<T>(work: () => Promise<T>, timeoutMs = 60 * 60_000): Promise<T> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const lock = join(CACHE_DIR, 'build.lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive(lock)) {
        unlinkSync(lock);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} still held after ${timeoutMs} ms`);
      await sleep(1000);
    }
  }
  try {
    return await work();
  } finally {
    unlinkSync(lock);
  }
}

function holderAlive(lock: string): boolean {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return true; // being removed right now: look again
  }
  // Created but not yet written: alive unless it stayed empty (its writer died in between).
  if (text === '') return Date.now() - statSync(lock).mtimeMs < 10_000;
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 && processAlive(pid);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
