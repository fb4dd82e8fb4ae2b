// A worker thread holding a share of bench/sse-fanout.mjs's SSE subscribers, so that reading
// 100,000 frames/s is spread over threads and the load generator doesn't become the bottleneck.
// Each frame's marker is the absolute time (ms) its submission was sent: latency needs no lookup.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { url, count } = workerData;
const PATTERN = Buffer.from('"marker":"t');
const now = () => performance.timeOrigin + performance.now();
const latencies = [];
const received = new Array(count).fill(0);
const requests = [];

/** A raw TCP client: no HTTP parser or stream machinery per chunk, just a byte search. */
function subscribe(index) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname, () => {
      socket.write(`GET ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\naccept: text/event-stream\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', reject);
    let tail = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      const at = now();
      // Keep the last bytes of the previous chunk: a marker may straddle two chunks.
      const buffer = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      let from = 0;
      for (;;) {
        const hit = buffer.indexOf(PATTERN, from);
        if (hit < 0) break;
        const start = hit + PATTERN.length;
        const end = buffer.indexOf(34, start); // closing quote
        if (end < 0) break;
        latencies.push(at - Number(buffer.toString('latin1', start, end)));
        received[index] += 1;
        from = end;
      }
      tail = buffer.subarray(Math.max(from, buffer.length - 40));
    });
  });
}

for (let i = 0; i < count; i++) requests.push(await subscribe(i));
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (message) => {
  if (message.type === 'counts') parentPort.postMessage({ type: 'counts', received });
  if (message.type === 'finish') {
    for (const req of requests) req.destroy();
    const array = Float64Array.from(latencies);
    parentPort.postMessage({ type: 'done', latencies: array, received }, [array.buffer]);
  }
});
