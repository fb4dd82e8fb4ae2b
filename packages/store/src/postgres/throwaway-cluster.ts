import { type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A disposable PostgreSQL cluster for tests and benchmarks: Debian's initdb/pg_ctl on a free port in a
 * temp dir, trust auth, fsync on. Not for production; it exists so that the adapter is always tested
 * against a real server, never a mock.
 */
export interface ThrowawayCluster {
  /** DSN of the `postgres` database; `createDatabase` makes isolated ones. */
  dsn: string;
  host: string;
  port: number;
  dataDir: string;
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** The directory holding initdb and pg_ctl, newest major first, or null when PostgreSQL isn't installed. */
export function findPostgresBin(): string | null {
  const fromEnv = process.env.FARAMESH_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'pg_ctl'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/**
 * What a test file should do about PostgreSQL: run, or skip with a reason. Under CI (`CI` set) a
 * missing installation is an error, so the Postgres tests can never be skipped silently there.
 * (Pass `''` for "not CI": an explicit `undefined` would fall back to the environment.)
 */
export function postgresAvailability(
  bin = findPostgresBin(),
  ci = process.env.CI,
): { available: true; bin: string } | { available: false; reason: string } {
  if (bin !== null) return { available: true, bin };
  const reason = 'PostgreSQL binaries not found (install Debian package `postgresql` or set FARAMESH_PG_BIN)';
  if (ci) throw new Error(`${reason}; CI is set, so the PostgreSQL tests are mandatory`);
  return { available: false, reason };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: run the server binaries as the `postgres` system user then. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('running as root and there is no `postgres` user to run initdb/pg_ctl as');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function run(command: string, args: string[], options: SpawnOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** Creates and starts a cluster; call `destroy()` when done. */
export async function startThrowawayCluster(bin = findPostgresBin()): Promise<ThrowawayCluster> {
  if (bin === null) throw new Error('PostgreSQL binaries not found');
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-pg-'));
  const dataDir = join(dir, 'data');
  const user = runAs();
  if (user !== null) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const as: SpawnOptions = user === null ? {} : { uid: user.uid, gid: user.gid };
  await run(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
    as,
  );
  const port = await freePort();
  const host = '127.0.0.1';
  // The socket lives in our own dir: /var/run/postgresql may not exist or not be writable.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=${host} -c fsync=on -c max_connections=200`;
  const start = () =>
    run(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', 'start'], as);
  const stop = () => run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', '-t', '300', 'stop'], as);
  await start();
  const dsn = `postgres://postgres@${host}:${port}/postgres`;
  let databases = 0;
  let running = true;
  return {
    dsn,
    host,
    port,
    dataDir,
    async createDatabase(name = `faramesh_${process.pid}_${++databases}`) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: dsn });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@${host}:${port}/${name}`;
    },
    async stop() {
      if (!running) return;
      await stop();
      running = false;
    },
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async destroy() {
      if (running) await stop().catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
