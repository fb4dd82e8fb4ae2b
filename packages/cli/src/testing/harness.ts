import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createServer, type FarameshServer, resolveConfig } from '@faramesh/server';
import { createMemoryStore, type Store } from '@faramesh/store';
import type { Io } from '../io.js';
import { run } from '../program.js';

/** Test support (not shipped): runs CLI commands in process with captured output. */

export const REPO = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
export const DEFAULT_POLICY = join(REPO, 'policies/default.yaml');

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  tty?: boolean;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Standard input, as bytes or UTF-8 text (none when absent). */
  stdin?: string | Buffer;
  /** Called with the stdout text so far after each write (e.g. to stop `tail`). */
  onStdout?: (text: string) => void;
}

export async function cli(argv: string[], options: RunOptions = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        options.onStdout?.(stdout);
        return true;
      },
      isTTY: options.tty === true,
    },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        return true;
      },
      isTTY: options.tty === true,
    },
    env: { ...(options.env ?? {}) },
    cwd: options.cwd ?? tempDir(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temp directory, removed after the test file by the vitest setup file tests/temp-dirs.ts. */
export function tempDir(prefix = 'faramesh-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  (globalThis as { [key: symbol]: Set<string> | undefined })[Symbol.for('faramesh.test.tempDirs')]?.add(dir);
  return dir;
}

export interface TestServer {
  url: string;
  server: FarameshServer;
  store: Store;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** The real server app on a free port, with a memory store (or the given one). */
export async function startServer(
  options: { env?: Record<string, string>; store?: Store; policyFile?: string } = {},
): Promise<TestServer> {
  const config = resolveConfig(
    { host: '127.0.0.1', port: 0, policyFile: options.policyFile ?? DEFAULT_POLICY },
    options.env ?? {},
    {},
    REPO,
  );
  const store = options.store ?? createMemoryStore();
  const server = await createServer({ ...config, uiDir: null, sseHeartbeatMs: 200 }, { store });
  const { url } = await server.listen();
  return { url, server, store, env: { FARAMESH_BASE_URL: url }, close: () => server.close() };
}
