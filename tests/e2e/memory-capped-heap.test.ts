import { readFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './harness.js';

/**
 * Issue 12, "Memory exhaustion by any agent": a server whose heap had 256 MiB died after 230
 * submissions of ~1 MiB. Here the built `faramesh serve` runs with that heap, takes a stream of
 * maximum-size submissions (several at once) while SSE readers stop reading or read slowly, and must
 * stay up, keep answering /health, keep its RSS bounded and cut the stuck readers off (who can resume).
 */

const MiB = 1024 * 1024;
const SUBMISSIONS = 1000;
const CONCURRENCY = 6;
const RSS_BOUND_MIB = 400;
/** The body limit is 1 MiB: leave room for the JSON around the blob. */
const BLOB = 'x'.repeat(MiB - 200);

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
});

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kb / 1024;
}

/**
 * An SSE client on a raw socket that can stop reading, or read at most `bytesPerTick` every 100 ms.
 * It keeps only the id of the last complete frame (a frame here is ~1 MiB).
 */
function sseReader(url: string, options: { lastEventId?: string; bytesPerTick?: number } = {}) {
  let tail = '';
  let lastId: number | null = null;
  let firstId: number | null = null;
  let response: IncomingMessage | undefined;
  let ended = false;
  let throttle: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      ended = true;
      if (throttle !== undefined) clearInterval(throttle);
      resolve();
    };
    const headers = options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId };
    const request = get(`${url}/v1/events`, { headers }, (res) => {
      response = res;
      res.setEncoding('utf8');
      let budget = options.bytesPerTick ?? Number.POSITIVE_INFINITY;
      res.on('data', (chunk: string) => {
        tail += chunk;
        let end = tail.indexOf('\n\n');
        while (end !== -1) {
          const block = tail.slice(0, end);
          tail = tail.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block.slice(0, 40));
          if (id !== null && block.includes('\ndata: ')) {
            lastId = Number(id[1]);
            firstId ??= lastId;
          }
          end = tail.indexOf('\n\n');
        }
        budget -= chunk.length;
        if (budget <= 0) res.pause();
      });
      if (options.bytesPerTick !== undefined) {
        throttle = setInterval(() => {
          budget = options.bytesPerTick ?? 0;
          res.resume();
        }, 100);
      }
      res.on('close', finish);
      res.on('error', finish);
    });
    request.on('error', finish);
  });
  return {
    done,
    get ended() {
      return ended;
    },
    get lastId() {
      return lastId;
    },
    get firstId() {
      return firstId;
    },
    connected: () => response !== undefined,
    pause: () => response?.pause(),
    /** Reads what is left (the kernel's buffers) until the server's cut-off reaches it. */
    drain: () => {
      if (throttle !== undefined) clearInterval(throttle);
      response?.resume();
      return done;
    },
    close: () => response?.destroy(),
  };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').at(-1));
  return sum;
}

describe('a server with a 256 MiB heap under maximum-size submissions and stuck SSE readers', () => {
  it('stays up, answers /health, keeps RSS bounded and cuts stuck readers off, who then resume', async () => {
    // The rate limiter is off: this shows the memory bounds alone hold, whatever one caller sends.
    server = await startServer({
      nodeArgs: ['--max-old-space-size=256'],
      env: { FARAMESH_RATE_LIMIT: '0', FARAMESH_SSE_HEARTBEAT_MS: '1000' },
    });
    const { url } = server;
    const pid = server.child.pid as number;
    const started = performance.now();

    const stuck = Array.from({ length: 4 }, () => sseReader(url));
    const slow = sseReader(url, { bytesPerTick: 64 * 1024 });
    await until(() => [...stuck, slow].every((r) => r.connected()), 'the readers to connect');
    for (const reader of stuck) reader.pause();

    let peakRss = rssMiB(pid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssMiB(pid));
    }, 50);
    let healthFailures = 0;
    let slowestHealthMs = 0;
    let healthChecks = 0;
    let loading = true;
    const prober = (async () => {
      while (loading) {
        const t = performance.now();
        const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ok) healthFailures += 1;
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - t);
        healthChecks += 1;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    let next = 0;
    let acknowledged = 0;
    const statuses = new Map<number, number>();
    const submitOnce = async (i: number): Promise<number> => {
      const res = await fetch(`${url}/v1/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agent_id: 'big', tool: 'http', operation: 'get', params: { i, blob: BLOB } }),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      return res.status;
    };
    const submitter = async () => {
      while (next < SUBMISSIONS) {
        const i = next++;
        let status = await submitOnce(i);
        // 503 server_busy is the in-flight budget at work: the client retries, as the SDKs do.
        while (status === 503) {
          await new Promise((r) => setTimeout(r, 50));
          status = await submitOnce(i);
        }
        if (status === 201) acknowledged += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, submitter));
    const loadSeconds = (performance.now() - started) / 1000;
    loading = false;
    await prober;

    // Up and serving, every acknowledged submission stored.
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(acknowledged).toBe(SUBMISSIONS);
    const list = (await (await fetch(`${url}/v1/actions?limit=1`)).json()) as { total: number };
    expect(list.total).toBe(SUBMISSIONS);
    expect(healthFailures).toBe(0);

    // The stuck and the slow readers were cut off; the server no longer holds them.
    await until(async () => (await metric(url, 'faramesh_sse_cutoffs_total')) >= 5, 'the readers to be cut off');
    await until(async () => (await metric(url, 'faramesh_sse_clients')) === 0, 'the server to let go of them');
    clearInterval(sampler);

    // Each resumes from its last complete frame, and the very next event arrives first.
    for (const reader of [...stuck, slow]) {
      await reader.drain();
      const from = reader.lastId ?? 0;
      const resumed = sseReader(url, { lastEventId: String(from) });
      await until(() => resumed.firstId !== null, 'the resumed stream to deliver');
      expect(resumed.firstId).toBe(from + 1);
      resumed.close();
      await resumed.done;
    }

    const bounded = await metric(url, 'faramesh_bounded_bytes{structure="event_buffer"}');
    console.log(
      `capped heap: ${acknowledged} submissions of ${BLOB.length + 200} bytes (${CONCURRENCY} at once) in ` +
        `${loadSeconds.toFixed(1)} s, peak RSS ${peakRss.toFixed(0)} MiB, statuses ${JSON.stringify([...statuses])}, ` +
        `${healthChecks} /health checks (slowest ${slowestHealthMs.toFixed(0)} ms), event buffer ${(bounded / MiB).toFixed(1)} MiB`,
    );
    expect(peakRss).toBeLessThan(RSS_BOUND_MIB);
  }, 180_000);
});
