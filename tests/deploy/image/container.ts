import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export { freePort } from '../../integrations/harness.js';

import { envOf } from '../compose.js';
import type { ImageConfig } from './build-images.js';
import { run } from './container-tools.js';

export interface RunOptions {
  /** Like `docker run -e`: over the image's Env. */
  env?: Record<string, string>;
  /** Like `docker run IMAGE args…`: replaces the image's Cmd after its Entrypoint. */
  args?: string[];
  /** Like `docker run -v host:container[:ro]`. */
  volumes?: string[];
  /** Like `docker run --user` (Kubernetes' runAsUser:runAsGroup): instead of the image's User. */
  user?: string;
}

export interface Exited {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

let created = 0;

/**
 * A container as a runtime would run it, without one: `buildah from` makes the container's file
 * system from the image, `buildah run --isolation chroot --network host` runs the image's
 * Entrypoint + Cmd with its Env, User and WorkingDir (read from the image, not restated here).
 * The network is the host's (no bridge in this sandbox), so what `-p` would map is set with the
 * image's own port variable instead.
 */
export class Container {
  private main: ChildProcess | undefined;
  private log = '';
  private exited: Promise<Exited> | undefined;

  private constructor(
    readonly name: string,
    readonly config: ImageConfig,
    private readonly options: RunOptions,
  ) {}

  /** `docker create`: `addHosts` as `--add-host name:ip` (compose's service names). */
  static async create(
    image: string,
    config: ImageConfig,
    options: RunOptions = {},
    addHosts: string[] = [],
  ): Promise<Container> {
    created += 1;
    const name = `faramesh-test-${process.pid}-${created}`;
    const hosts = addHosts.flatMap((h) => ['--add-host', h]);
    await run('buildah', ['from', '--pull=never', '--name', name, ...hosts, image]);
    // A runtime mounts a bind over an image VOLUME at the same path. buildah 1.28 sometimes mounts its
    // own volume for the path on top of the bind instead, so the container forgets those VOLUMEs.
    const bound = (options.volumes ?? []).map((v) => v.split(':')[1] ?? '');
    for (const path of Object.keys(config.Volumes ?? {}).filter((p) => bound.includes(p)))
      await run('buildah', ['config', '--volume', `${path}-`, name]);
    return new Container(name, config, options);
  }

  /** The variables the process sees: the image's Env with the run's overrides. */
  env(): Record<string, string> {
    return { ...envOf({ environment: this.config.Env }), ...this.options.env };
  }

  /** The command a runtime starts: Entrypoint, then the run's arguments or else the image's Cmd. */
  command(): string[] {
    return [...(this.config.Entrypoint ?? []), ...(this.options.args ?? this.config.Cmd ?? [])];
  }

  private runArgs(command: string[], user = this.options.user ?? this.config.User): string[] {
    return [
      'run',
      '--isolation',
      'chroot',
      '--network',
      'host',
      '--user',
      user === '' ? 'root' : user,
      '--workingdir',
      this.config.WorkingDir === '' ? '/' : this.config.WorkingDir,
      ...Object.entries(this.env()).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      ...(this.options.volumes ?? []).flatMap((v) => ['--volume', v]),
      this.name,
      '--',
      ...command,
    ];
  }

  /** `docker start`: runs the image's command in the background. */
  start(): void {
    const child = spawn('buildah', this.runArgs(this.command()), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.main = child;
    const collect = (chunk: Buffer) => {
      this.log += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((done) => child.once('close', (code) => done({ code, output: this.log })));
  }

  /** Runs the image's command to its end (a container that is expected to exit). */
  async runToExit(timeoutMs = 60_000): Promise<Exited> {
    this.start();
    const timer = setTimeout(() => this.main?.kill('SIGKILL'), timeoutMs);
    try {
      return await (this.exited as Promise<Exited>);
    } finally {
      clearTimeout(timer);
    }
  }

  output(): string {
    return this.log;
  }

  running(): boolean {
    return this.main !== undefined && this.main.exitCode === null && this.main.signalCode === null;
  }

  /**
   * The image's process itself (not buildah's wrappers around it): the descendant of `buildah run`
   * whose command line is the container's command.
   */
  processId(): number {
    const wanted = this.command();
    for (const pid of descendants(this.main?.pid ?? -1)) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
      if (
        argv.length === wanted.length &&
        basename(argv[0] ?? '') === basename(wanted[0] ?? '') &&
        argv.slice(1).every((a, i) => a === wanted[i + 1])
      )
        return pid;
    }
    throw new Error(`${this.name}: no process runs ${wanted.join(' ')}\n${this.log}`);
  }

  /** The real user id the image's process runs as. */
  processUid(): number {
    const status = readFileSync(`/proc/${this.processId()}/status`, 'utf8');
    return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
  }

  /** `docker stop`: SIGTERM to the image's process, SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<Exited> {
    if (this.exited === undefined) return { code: null, output: '' };
    if (this.running()) {
      process.kill(this.processId(), 'SIGTERM');
      const timer = setTimeout(() => this.main?.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }

  /** `docker exec`: another process in the same container, with its environment and user. */
  async exec(command: string[], user?: string): Promise<Exited> {
    const { code, output } = await this.#run(command, user);
    return { code, output };
  }

  /** `id -u USER` / `id -g USER` in the container: the number, or an error with what it printed. */
  async idOf(flag: '-u' | '-g', user: string): Promise<number> {
    // stdout alone: a runtime's warnings go to stderr.
    const { code, output, stdout } = await this.#run(['id', flag, user]);
    const id = stdout.trim();
    if (code !== 0 || !/^\d+$/.test(id)) throw new Error(`id ${flag} ${user} exited ${code}: ${output}`);
    return Number(id);
  }

  async #run(command: string[], user?: string): Promise<Exited & { stdout: string }> {
    const child = spawn('buildah', this.runArgs(command, user), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const code = await new Promise<number | null>((done) => child.once('close', done));
    return { code, output, stdout };
  }

  /**
   * Paths the container wrote to its own file system layer (not to a volume): the overlay's upper
   * directory. A read-only root file system (Kubernetes' readOnlyRootFilesystem) would have refused
   * each of them.
   */
  async writtenPaths(): Promise<string[]> {
    const merged = (await run('buildah', ['mount', this.name])).trim();
    try {
      return listTree(join(dirname(merged), 'diff'));
    } finally {
      await run('buildah', ['umount', this.name]);
    }
  }

  /** `docker rm -f`. */
  async remove(): Promise<void> {
    if (this.running()) await this.stop(2_000);
    await run('buildah', ['rm', this.name]);
  }

  /** Waits until the server in the container answers `path` on `port`, or fails with its log. */
  async waitForHttp(port: number, path = '/health', timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running()) throw new Error(`${this.name} exited before answering ${path}:\n${this.log}`);
      const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: no answer on ${path} in ${timeoutMs} ms:\n${this.log}`);
      await sleep(200);
    }
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = `${prefix}/${entry.name}`;
    return entry.isDirectory() ? [path, ...listTree(join(dir, entry.name), path)] : [path];
  });
}

/**
 * A fresh named volume for `path`, as Docker makes one on first use: a host folder holding a copy of
 * what the image has there, with the same owner and mode. Bind it with `volumes`.
 */
export async function namedVolume(image: string, path: string): Promise<string> {
  const volume = mkdtempSync(join(tmpdir(), 'faramesh-volume-'));
  const name = (await run('buildah', ['from', '--pull=never', image])).trim();
  try {
    const merged = (await run('buildah', ['mount', name])).trim();
    await run('cp', ['-a', `${join(merged, path)}/.`, volume]);
    const stat = statSync(join(merged, path));
    chownSync(volume, stat.uid, stat.gid);
    chmodSync(volume, stat.mode & 0o7777);
  } finally {
    await run('buildah', ['rm', name]);
  }
  return volume;
}
