// Child-process servers for the HTTP benchmarks: Faramesh (the built CLI's `serve`) and the plain
// node:http ceiling. Each prints "listening on <url>" when ready.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function start(args, env = {}, cwd = root) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, FARAMESH_TOKEN: '', FARAMESH_TOKENS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const onData = (chunk) => {
    log += chunk.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((done, fail) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(log);
      if (match) {
        clearInterval(timer);
        done({
          url: match[1],
          child,
          log: () => log,
          stop: () => stop(child),
        });
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`server exited ${code}: ${log}`));
    });
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGINT');
  });
}

/**
 * Faramesh on SQLite (`db` path) or with `env` selecting another backend; open mode (no tokens).
 * The per-caller rate limit is off: the load generator is one client IP sending thousands of
 * requests per second, which is what the benchmarks measure, not what one agent may do.
 * `from` runs another checkout's build (A/B comparisons); `nodeArgs` go to node (e.g. --cpu-prof).
 */
export function startFaramesh({ db, env = {}, policy = 'policies/default.yaml', from = root, nodeArgs = [] } = {}) {
  const args = [...nodeArgs, 'packages/cli/dist/bin.js', 'serve', '--port', '0', '--policy', policy];
  if (db) args.push('--db', db);
  return start(args, { FARAMESH_RATE_LIMIT: '0', ...env }, from);
}

/** `checkout`'s built server on the memory store, run by this checkout's bench/lib/memory-server.mjs. */
export function startMemoryServer(checkout = root) {
  return start([resolve(root, 'bench/lib/memory-server.mjs'), checkout]);
}

/** The ceiling: node:http parsing the JSON body and answering JSON, nothing else. */
export function startBaseline() {
  return start(['bench/baseline-server.mjs']);
}

/** The SSE ceiling: node:http writing each published body to every client. */
export function startBaselineSse() {
  return start(['bench/baseline-sse-server.mjs']);
}

/** CPU time (user + system, µs) a process has used so far; Linux only (null elsewhere). */
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** Resident set size of a process in MiB (Linux), or null. */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
