import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FarameshServer } from '../server.js';
import { startTestServer } from '../testing/test-server.js';

const POLICY = `
rules:
  - name: refunds
    match: { tool: stripe, op: refund }
    allow: true
    description: Refunds within the hourly rate
    limit: { count: 3, per: 1h, by: [agent_id] }
  - name: payouts
    match: { tool: payouts, op: send }
    allow: true
    description: Payouts within the budget
    limit: { sum: amount, max: 100, per: 1d }
    over_limit: deny
  - name: burst
    match: { tool: search }
    allow: true
    limit: { count: 7, per: 1h }
  - name: card
    match: { tool: card, op: charge }
    allow: true
    limit: { sum: amount, max: 100, per: 1h }
  - match: { tool: "*" }
    deny: true
`;

const dir = mkdtempSync(join(tmpdir(), 'faramesh-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let clock = Date.parse('2031-03-01T12:00:00.000Z');
const now = () => new Date(clock);
let server: FarameshServer | undefined;
let files = 0;

async function start(): Promise<FarameshServer> {
  files += 1;
  server = await startTestServer({ policy: POLICY, now, store: createSqliteStore({ path: join(dir, `${files}.db`) }) });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function submit(app: FarameshServer, body: Record<string, unknown>) {
  const res = await app.app.inject({ method: 'POST', url: '/v1/actions', payload: { agent_id: 'bot', ...body } });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const refund = { tool: 'stripe', operation: 'refund', params: { amount: 5 } };

describe('rate limits on submissions (SQLite)', () => {
  it('allows up to the count, then asks for approval with the limit and its usage as the reason', async () => {
    const app = await start();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await submit(app, refund));
    expect(answers.map((a) => a.status)).toEqual(['allowed', 'allowed', 'allowed', 'pending_approval']);
    expect(answers[3]).toMatchObject({
      decision: 'require_approval',
      reason: 'limit 3 per 1h by agent_id reached: 3 used',
      reason_code: 'limit_reached',
      matched_rule: { index: 0 },
    });
    // Another agent has its own count.
    expect((await submit(app, { ...refund, agent_id: 'other' })).status).toBe('allowed');
    const eventsOf = async (id: string) => (await app.app.inject({ url: `/v1/actions/${id}/events` })).json();
    expect((await eventsOf(answers[3].id))[1].meta.limit).toMatchObject({
      text: 'limit 3 per 1h by agent_id',
      used: 3,
      amount: 1,
      reached: true,
    });
    // Within the limit the ledger records the usage the decision saw too.
    expect((await eventsOf(answers[2].id))[1].meta.limit).toMatchObject({ used: 2, reached: false });
  });

  it('counts an approved action from its approval, and slides the window', async () => {
    const app = await start();
    for (let i = 0; i < 3; i++) await submit(app, refund);
    const waiting = await submit(app, refund);
    clock += 10 * 60_000;
    const approved = await app.app.inject({
      method: 'POST',
      url: `/v1/actions/${waiting.id}/approval`,
      payload: { token: waiting.approval_token, approve: true },
    });
    expect(approved.json().status).toBe('approved');
    // 50 minutes later the first three have left the window; the approval (10 minutes in) has not.
    clock += 50 * 60_000;
    const explained = (await app.app.inject({ url: `/v1/actions/${waiting.id}/explain` })).json();
    expect(explained.explanation.limit).toMatchObject({ used: 1, reached: false, text: 'limit 3 per 1h by agent_id' });
    expect((await submit(app, refund)).status).toBe('allowed');
    expect((await submit(app, refund)).status).toBe('allowed');
    expect((await submit(app, refund)).reason).toBe('limit 3 per 1h by agent_id reached: 3 used');
  });

  it('shows the live usage in the playground, for the active policy and a pasted one', async () => {
    const app = await start();
    for (let i = 0; i < 2; i++) await submit(app, refund);
    const live = (
      await app.app.inject({ method: 'POST', url: '/playground/eval', payload: { agent_id: 'bot', ...refund } })
    ).json();
    expect(live.decision).toBe('allow');
    expect(live.explanation.limit).toMatchObject({ used: 2, amount: 1, reached: false });
    // The pasted rule has the same name, so it reads the same bucket with a lower count.
    const pasted = POLICY.replace('count: 3', 'count: 2');
    const inline = (
      await app.app.inject({
        method: 'POST',
        url: '/playground/eval',
        payload: { agent_id: 'bot', ...refund, policy: pasted },
      })
    ).json();
    expect(inline).toMatchObject({
      decision: 'require_approval',
      reason: 'limit 2 per 1h by agent_id reached: 2 used',
    });
    // Nothing the playground did was counted.
    expect((await submit(app, refund)).status).toBe('allowed');
  });
});

describe('budget limits on submissions (SQLite)', () => {
  it('allows a payout that ends exactly at the budget and denies the next, and any unreadable amount', async () => {
    const app = await start();
    const payout = (amount: unknown) => submit(app, { tool: 'payouts', operation: 'send', params: { amount } });
    expect((await payout(60)).status).toBe('allowed');
    expect((await payout('39.5')).status).toBe('allowed');
    expect(await payout(0.75)).toMatchObject({
      status: 'denied',
      reason: 'limit sum(amount) 100 per 1d reached: 99.5 used, this call 0.75',
    });
    expect((await payout(0.5)).status).toBe('allowed');
    for (const bad of [-1, 'ten', null, '1e3']) {
      expect(await payout(bad)).toMatchObject({ status: 'denied', reason_code: 'limit_reached' });
    }
  });
});

describe('an approved amount beyond the budget (SQLite)', () => {
  it('fills the windows it is in and never stops the budget from counting after them', async () => {
    const app = await start();
    const charge = (amount: unknown) => submit(app, { tool: 'card', operation: 'charge', params: { amount } });
    const huge = await charge(1e300);
    expect(huge).toMatchObject({ status: 'pending_approval', reason_code: 'limit_reached' });
    const approved = await app.app.inject({
      method: 'POST',
      url: `/v1/actions/${huge.id}/approval`,
      payload: { token: huge.approval_token, approve: true },
    });
    expect(approved.json().status).toBe('approved');
    // Within its window even a cent is over the budget.
    expect(await charge(0.01)).toMatchObject({ status: 'pending_approval', reason_code: 'limit_reached' });
    // An hour later it has left the window, and the budget counts again: in doubles 1e300 + 60 is
    // 1e300, so had it counted in full every later charge would have been free.
    clock += 61 * 60_000;
    expect((await charge(60)).status).toBe('allowed');
    expect(await charge(60)).toMatchObject({
      status: 'pending_approval',
      reason: 'limit sum(amount) 100 per 1h reached: 60 used, this call 60',
    });
    expect((await charge(40)).status).toBe('allowed');
    expect((await charge(1e-14)).status).toBe('pending_approval');
  });
});

describe('concurrent submissions at a limit (SQLite, one writer transaction)', () => {
  it('lets exactly count of many concurrent calls through', async () => {
    const app = await start();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => submit(app, { agent_id: `a${i}`, tool: 'search', operation: 'q' })),
    );
    expect(answers.filter((a) => a.status === 'allowed')).toHaveLength(7);
    expect(answers.filter((a) => a.status === 'pending_approval')).toHaveLength(33);
    const used = answers
      .filter((a) => a.status === 'pending_approval')
      .map((a) => Number(/: (\d+) used/.exec(a.reason)?.[1]));
    expect(new Set(used)).toEqual(new Set([7]));
  });

  it('never lets concurrent payouts go past the budget', async () => {
    const app = await start();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => submit(app, { tool: 'payouts', operation: 'send', params: { amount: 7 } })),
    );
    expect(answers.filter((a) => a.status === 'allowed')).toHaveLength(14);
    expect(answers.filter((a) => a.status === 'denied')).toHaveLength(16);
  });
});

describe('memory of limits in /metrics', () => {
  it('reports the bytes its key cache, window starts and list counts hold as bounded structures', async () => {
    const app = await start();
    for (const agent of ['metrics-a', 'metrics-b']) await submit(app, { ...refund, agent_id: agent });
    expect((await app.app.inject({ url: '/v1/actions?agent_id=metrics-a' })).statusCode).toBe(200);
    const text = (await app.app.inject({ url: '/metrics' })).body;
    const bytes = (structure: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`faramesh_bounded_bytes{structure="${structure}"} `));
      return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
    };
    expect(bytes('limit_keys')).toBeGreaterThan(0);
    expect(bytes('sqlite_window_starts')).toBeGreaterThan(0);
    expect(bytes('sqlite_list_counts')).toBeGreaterThan(0);
    expect(bytes('outbox_waiting')).toBe(0);
    expect(bytes('event_buffer')).toBeGreaterThan(0);
  });
});
