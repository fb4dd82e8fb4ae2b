// One level of load on POST /v1/actions against a running server (bench/submit-load.mjs and
// bench/submit-ab.mjs): closed loop with autocannon at `connections`, or an open-loop paced `rate`.
// "cpu" is the server process's CPU time per request (user + system, from /proc).
import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.mjs';
import { cpuMicros } from './servers.mjs';

/** A submission body; bodies vary so request hashes and rows differ. */
export function body(i) {
  return {
    agent_id: `bench-${i % 16}`,
    tool: 'http',
    operation: 'get',
    params: { url: `https://api.example.com/items/${i}` },
  };
}

/** The fixed-rate level: an open-loop paced load (paced-load.mjs), latency from scheduled send. */
async function paced(server, { rate, seconds }) {
  const cpuBefore = cpuMicros(server.child?.pid);
  const r = await pacedLoad(`${server.url}/v1/actions`, { rate, seconds, body });
  const cpu = cpuBefore === null ? null : (cpuMicros(server.child?.pid) - cpuBefore) / Math.max(1, r.n);
  const ms = (x) => Math.round(x * 10) / 10;
  return { rps: r.rps, p50: ms(r.p50), p99: ms(r.p99), cpu, failed: r.failed };
}

/**
 * Runs one load level against `server` ({ url, child? }): { rps, p50, p99, cpu (µs per request, null
 * without a child process), failed }. `bodyOf` varies the closed-loop bodies (default `body`).
 */
export async function submitLoad(server, { connections, rate, seconds }, bodyOf = body) {
  if (rate) return paced(server, { rate, seconds });
  let i = 0;
  const pid = server.child?.pid;
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({
    url: `${server.url}/v1/actions`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          i += 1;
          return { ...req, body: JSON.stringify(bodyOf(i)) };
        },
      },
    ],
  });
  const cpu = cpuBefore === null ? null : (cpuMicros(pid) - cpuBefore) / Math.max(1, result.requests.total);
  const failed = result.non2xx + result.errors + result.timeouts;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpu, failed };
}

/** Warms a server up (JIT, page cache) so the first measured level doesn't measure compilation. */
export function warmUp(server, seconds) {
  return pacedLoad(`${server.url}/v1/actions`, { rate: 500, seconds, body });
}
