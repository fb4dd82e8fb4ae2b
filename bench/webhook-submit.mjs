// Submit latency with a webhook receiver that never answers, side by side with no channels: the
// outbox worker delivers off the request path, so a hung receiver must not move submit p99.
//
//   node bench/webhook-submit.mjs [--smoke] [--seconds N] [--connections N]   (after `npm run build`)
//
// Both servers use SQLite (WAL, synchronous=FULL). With the receiver, every submit queues two
// notifications (events: '*': created and decision_made) in its transaction, and the worker keeps
// `concurrency` deliveries hanging until their timeout, then retries them. A third run with a
// receiver that answers at once separates the outbox's own cost (two more rows per commit, and
// the deliveries' CPU) from anything a hung receiver could add.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header } from './lib/machine.mjs';
import { startFaramesh } from './lib/servers.mjs';
import { submitLoad } from './lib/submit-run.mjs';

const smoke = process.argv.includes('--smoke');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = flag('--seconds', smoke ? 1 : 10);
const connections = flag('--connections', smoke ? 8 : 32);

/** The closed-loop submit level of lib/submit-run.mjs against the server at `url`. */
function load(url) {
  return submitLoad({ url }, { connections, seconds });
}

function report(label, r) {
  console.log(
    `  ${label.padEnd(40)} ${Math.round(r.rps).toString().padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.failed}`,
  );
}

// A receiver that accepts every connection and never answers (or, with `answering`, says 204 at once).
const hung = new Set();
let answering = false;
const receiver = createServer((req, res) => {
  if (answering) {
    req.resume();
    res.writeHead(204).end();
    return;
  }
  hung.add(req.socket);
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

header(
  `Submit with a webhook receiver that never answers vs none: POST /v1/actions, ${connections} connections, ${seconds} s each`,
);
const dir = mkdtempSync(join(tmpdir(), 'faramesh-bench-hook-'));
try {
  const none = await startFaramesh({ db: join(dir, 'none.db') });
  report('no channels', await load(none.url));
  await none.stop();

  const channels = join(dir, 'channels.yaml');
  writeFileSync(
    channels,
    `webhooks:\n  hung:\n    url: ${hookUrl}\n    events: ['*']\n    secret_env: BENCH_HOOK_SECRET\n    timeout_ms: 5000\n`,
  );
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const hooked = await startFaramesh({
    db: join(dir, 'hooked.db'),
    env: { FARAMESH_CHANNELS_FILE: channels, BENCH_HOOK_SECRET: secret },
  });
  report('webhook receiver never answers', await load(hooked.url));
  console.log(`  receiver: ${hung.size} connections opened and left hanging`);
  await hooked.stop();
  for (const socket of hung) socket.destroy();
  answering = true;
  const answered = await startFaramesh({
    db: join(dir, 'answered.db'),
    env: { FARAMESH_CHANNELS_FILE: channels, BENCH_HOOK_SECRET: secret },
  });
  report('webhook receiver answers 204 at once', await load(answered.url));
  await answered.stop();
} finally {
  for (const socket of hung) socket.destroy();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
