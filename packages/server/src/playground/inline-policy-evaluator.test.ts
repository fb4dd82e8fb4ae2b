import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadPolicy } from '@faramesh/policy';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A valid policy of about `chars` characters: many rules with regexes, slow to compile. */
function bigPolicy(chars: number): string {
  let text = 'rules:\n';
  for (let i = 0; text.length < chars; i++) {
    text += `  - match: { tool: "t${i}", op: "o${i}", pattern: "a${i}b|c${i}d" }\n    allow: true\n    description: rule ${i}\n`;
  }
  return text;
}

const evalBody = (policy: string) => ({ tool: 't1', operation: 'o1', params: { q: 'a1b' }, policy });

const evalInline = (s: Server, policy: string) =>
  s.app.inject({ method: 'POST', url: '/playground/eval', payload: evalBody(policy) });

/** A server that accepts pasted policies of up to 2 MiB. */
const startForLargePolicies = (timeoutMs: number) =>
  startTestServer({
    env: {
      FARAMESH_MAX_BODY_BYTES: String(4 * 1024 * 1024),
      FARAMESH_PLAYGROUND_MAX_POLICY_BYTES: String(2 * 1024 * 1024),
      FARAMESH_PLAYGROUND_TIMEOUT_MS: String(timeoutMs),
    },
  });

describe('playground with a pasted policy', () => {
  it('refuses a policy over FARAMESH_PLAYGROUND_MAX_POLICY_BYTES with 413 policy_too_large', async () => {
    server = await startTestServer({ env: { FARAMESH_PLAYGROUND_MAX_POLICY_BYTES: '65536' } });
    const res = await evalInline(server, bigPolicy(70_000));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'policy_too_large', details: { limit_bytes: 65536 } });
    const ok = await evalInline(server, bigPolicy(60_000));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ decision: 'allow', matched_rule: { index: 1 } });
  });

  it('keeps the event loop and /health responsive while four large policies compile', async () => {
    // The attack of issue 12: four ~1 MB pasted policies at once. Refused by size now...
    // (A generous time limit: this test is about the event loop, and a loaded CI machine can take
    // longer than the default 2 s to compile the largest allowed policy.)
    server = await startTestServer({ env: { FARAMESH_PLAYGROUND_TIMEOUT_MS: '60000' } });
    const { url } = await server.listen();
    const post = (policy: string) =>
      fetch(`${url}/playground/eval`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(evalBody(policy)),
      });
    const huge = await Promise.all(Array.from({ length: 4 }, () => post(bigPolicy(900_000))));
    expect(huge.map((r) => r.status)).toEqual([413, 413, 413, 413]);

    // ...and the largest allowed ones compile off the server's thread. Baseline, same process:
    // compiling one on this thread, as the route used to.
    const policy = bigPolicy(250_000);
    loadPolicy(bigPolicy(50_000), 'warm-up');
    const started = performance.now();
    expect(loadPolicy(policy, 'baseline').ok).toBe(true);
    const baselineMs = performance.now() - started;

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let done = false;
    const answers = Promise.all(Array.from({ length: 4 }, () => post(policy))).finally(() => {
      done = true;
    });
    let slowestHealthMs = 0;
    let healthChecks = 0;
    while (!done) {
      const t = performance.now();
      expect((await fetch(`${url}/health`)).status).toBe(200);
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - t);
      healthChecks += 1;
      await new Promise((r) => setTimeout(r, 10));
    }
    delay.disable();
    for (const res of await answers) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as { decision: string }).decision).toBe('allow');
    }
    // Inline compilation stalled the loop for a whole compile per request; off-thread the longest
    // stall stays well under one compile, even on a busy machine.
    const maxDelayMs = delay.max / 1e6;
    expect(baselineMs).toBeGreaterThan(100);
    expect(healthChecks).toBeGreaterThan(4);
    expect(maxDelayMs).toBeLessThan(baselineMs / 2);
    expect(slowestHealthMs).toBeLessThan(baselineMs / 2);
  });

  it('stops an evaluation that runs past its time limit with 422 policy_too_complex, then serves the next', async () => {
    server = await startForLargePolicies(100);
    const slow = await evalInline(server, bigPolicy(900_000));
    expect(slow.statusCode).toBe(422);
    expect(slow.json().error).toMatchObject({ code: 'policy_too_complex', details: { timeout_ms: 100 } });
    // A fresh worker takes over (its start-up doesn't count against the limit).
    expect((await evalInline(server, bigPolicy(200))).statusCode).toBe(200);
  });

  it('refuses pasted policies beyond its queue with 429 rate_limited', async () => {
    server = await startForLargePolicies(60_000);
    const s = server;
    const policy = bigPolicy(300_000);
    const answers = await Promise.all(Array.from({ length: 12 }, () => evalInline(s, policy)));
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(9);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(1);
    expect(answers.find((a) => a.statusCode === 429)?.json().error.code).toBe('rate_limited');
  });
});
