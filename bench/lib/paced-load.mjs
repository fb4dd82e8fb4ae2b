// An open-loop load at a fixed rate: requests leave on a schedule (one every 1000/rate ms) whatever
// the server's latency, and each latency is measured from its scheduled time, so a stall delays
// and counts every request behind it (no coordinated omission). autocannon's `overallRate` sends
// in bursts, which made even the plain node:http server show a 10 ms p99 at 1,000/s.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from './stats.mjs';

/** POSTs `body(i)` to `url` at `rate`/s for `seconds`; resolves { p50, p99, max, n, failed, rps }. */
export async function pacedLoad(url, { rate, seconds, body }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const latencies = [];
  let failed = 0;
  const send = (i, due) =>
    new Promise((resolve) => {
      const data = JSON.stringify(body(i));
      const req = http.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode >= 300) failed += 1;
            latencies.push(performance.now() - due);
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed += 1;
        resolve();
      });
      req.end(data);
    });
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const started = performance.now();
  const inFlight = [];
  let i = 0;
  while (i < total) {
    const now = performance.now();
    // Everything due by now leaves now, each keeping its own scheduled time.
    while (i < total && started + i * interval <= now) {
      inFlight.push(send(i, started + i * interval));
      i += 1;
    }
    await sleep(Math.max(0, started + i * interval - performance.now()));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { ...summarize(latencies), failed, rps: total / ((performance.now() - started) / 1000) };
}
