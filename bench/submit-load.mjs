// Load benchmark of POST /v1/actions on SQLite (WAL, synchronous=FULL: every acknowledged submit is
// durable), against a plain node:http JSON server run side by side as the ceiling.
//
//   npm run build && node bench/submit-load.mjs [seconds=10] [connections=64]
//
// Both servers run as child processes; autocannon drives them one after the other from this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 64);

function start(args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
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
        done({ url: match[1], child });
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      fail(new Error(`exited ${code}: ${log}`));
    });
  });
}

async function load(url, label) {
  let i = 0;
  const result = await autocannon({
    url: `${url}/v1/actions`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          const body = {
            agent_id: `bench-${i % 16}`,
            tool: 'http',
            operation: 'get',
            params: { url: `https://api.example.com/items/${i}` },
          };
          return { ...req, body: JSON.stringify(body) };
        },
      },
    ],
  });
  const non2xx = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${label.padEnd(34)} ${Math.round(result.requests.average).toString().padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   errors ${non2xx}`,
  );
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-'));
console.log(`POST /v1/actions, ${connections} connections, ${seconds} s each, Node ${process.version}`);
const baseline = await start(['bench/baseline-server.mjs']);
const base = await load(baseline.url, 'node:http JSON (ceiling)');
baseline.child.kill();
const faramesh = await start(
  [
    'packages/cli/dist/bin.js',
    'serve',
    '--port',
    '0',
    '--db',
    join(dir, 'bench.db'),
    '--policy',
    'policies/default.yaml',
  ],
  { FARAMESH_TOKEN: '', FARAMESH_TOKENS: '' },
);
const ours = await load(faramesh.url, 'faramesh sqlite FULL (group commit)');
faramesh.child.kill();
rmSync(dir, { recursive: true, force: true });
const ratio = ours.requests.average / base.requests.average;
console.log(`ratio faramesh/ceiling: ${(ratio * 100).toFixed(1)}% of the plain node:http throughput`);
