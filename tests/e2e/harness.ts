import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { removeAfterFile } from '../temp-dirs.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'packages/cli/dist/bin.js');
export const DEFAULT_POLICY = join(ROOT, 'policies/default.yaml');

export interface RunningServer {
  url: string;
  dir: string;
  db: string;
  policy: string;
  child: ChildProcess;
  output: () => string;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to flush anything that wasn't already durable. */
  kill(): Promise<void>;
}

export interface StartOptions {
  dir?: string;
  env?: Record<string, string>;
  args?: string[];
  /** Node options before the script, e.g. `--max-old-space-size=256`. */
  nodeArgs?: string[];
}

/** A fresh temp directory holding a copy of the default policy, removed after its test file. */
export function workDir(): { dir: string; policy: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-e2e-'));
  removeAfterFile(dir);
  const policy = join(dir, 'policy.yaml');
  copyFileSync(DEFAULT_POLICY, policy);
  return { dir, policy, db: join(dir, 'data', 'actions.db') };
}

/** Spawns the built `faramesh serve` on a free port and waits until it listens. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const base =
    options.dir === undefined
      ? workDir()
      : { dir: options.dir, policy: join(options.dir, 'policy.yaml'), db: join(options.dir, 'data', 'actions.db') };
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      BIN,
      'serve',
      '--port',
      '0',
      '--policy',
      base.policy,
      '--db',
      base.db,
      ...(options.args ?? []),
    ],
    {
      cwd: base.dir,
      env: { PATH: process.env.PATH ?? '', FARAMESH_SSE_HEARTBEAT_MS: '500', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(log);
      if (match?.[1] !== undefined) {
        clearInterval(timer);
        done(match[1]);
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(timer);
      fail(new Error(`server exited with ${code} before listening:\n${log}`));
    });
  });
  return {
    url,
    ...base,
    child,
    output: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs `faramesh serve` expecting it to fail; returns exit code and output. */
export async function failToStart(options: StartOptions & { dir: string; policy: string; db: string }) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--policy', options.policy, '--db', options.db], {
    cwd: options.dir,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    log += c.toString();
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  return { code, output: log };
}

export interface Frame {
  id: string | null;
  event: string | null;
  data: string;
}

/** A minimal SSE reader over fetch, as an agent or dashboard would use it. */
export function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  const done = (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    if (!res.ok || res.body === null) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = { id: null, event: null, data: '' };
        let hasData = false;
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('data: ')) {
            frame.data += line.slice(6);
            hasData = true;
          }
        }
        if (hasData) {
          frames.push(frame);
          for (const wake of waiters.splice(0)) wake();
        }
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch((error: unknown) => {
    if ((error as Error).name !== 'AbortError') throw error;
  });
  return {
    frames,
    /** Resolves once at least `count` frames arrived (or rejects after timeoutMs). */
    async waitFor(count: number, timeoutMs = 10_000): Promise<Frame[]> {
      const deadline = Date.now() + timeoutMs;
      while (frames.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${frames.length}/${count} frames arrived`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, 100);
        });
      }
      return frames.slice(0, count);
    },
    close() {
      controller.abort();
      return done;
    },
  };
}

export async function api(base: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(base + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test convenience over arbitrary JSON
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns the built `faramesh` binary; `until` ends it (SIGINT) once stdout satisfies it. `stdin` is
 * piped in and closed; without it stdin is /dev/null.
 */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    until?: (stdout: string) => boolean;
    bin?: string;
    stdin?: string;
  } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  return collect(child, options.until);
}

/**
 * Runs `npx <args>` from the repository root, as a user of a fresh clone would. `npm_config_yes=false`
 * keeps npx from ever downloading a package of that name from the registry when the local bin is
 * missing: then it fails, which is the point of the tests that use it.
 */
export function runNpx(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(FARAMESH_|FARACORE_|FARA_)/.test(name)),
  ) as Record<string, string>;
  const child = spawn('npx', args, {
    cwd: ROOT,
    env: { ...base, npm_config_yes: 'false', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child);
}

function collect(child: ChildProcess, until?: (stdout: string) => boolean): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (until?.(stdout)) child.kill('SIGINT');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Never leak a process when an expectation isn't met: a hung command is killed before the test times out.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    }),
  );
}
