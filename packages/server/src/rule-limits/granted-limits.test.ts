import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startQuorumServer } from '../service/approval-testing.test-support.js';

/** Large payouts and refunds are high risk; both rules are limited per agent. */
const POLICY = `
rules:
  - name: payouts
    match: { tool: payouts, op: send }
    allow: true
    description: Payouts within the hourly count
    limit: { count: 3, per: 1h, by: [agent_id] }
    over_limit: deny
  - name: refunds
    match: { tool: stripe, op: refund }
    allow: true
    description: Refunds within the hourly count
    limit: { count: 2, per: 1h, by: [agent_id] }
  - match: { tool: "*" }
    deny: true
risk:
  rules:
    - name: large
      when: { amount_gt: 50 }
      risk_level: high
`;

const PAYOUT = { agent_id: 'bot', tool: 'payouts', operation: 'send', params: { amount: 60 } };
const REFUND = { agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 60 } };
const scopeOf = (tool: string, operation: string) => ({
  tool,
  operation,
  agent_id: 'bot',
  params: { amount: { at_most: 60 } },
});

const dir = mkdtempSync(join(tmpdir(), 'faramesh-granted-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start() {
  files += 1;
  const h = await startQuorumServer({ policy: POLICY, store: createSqliteStore({ path: join(dir, `${files}.db`) }) });
  close = () => h.server.close();
  /** The first large call waits (high risk); carol (an admin) approves it with a high-risk grant. */
  const granted = async (request: typeof PAYOUT) => {
    const first = await h.submit('bot', request);
    expect(first).toMatchObject({ status: 'pending_approval', reason_code: 'high_risk_upgrade' });
    const approved = await h.call('carol', 'POST', `/v1/actions/${first.id}/approval`, {
      token: first.approval_token,
      approve: true,
      grant: { scope: scopeOf(request.tool, request.operation), ttl: '1h', high_risk: true },
    });
    expect(approved.statusCode).toBe(200);
    const [grant] = (await h.call('carol', 'GET', '/v1/grants')).json().items;
    return grant as { id: string };
  };
  const submitted = async (request: object) => (await h.call('bot', 'POST', '/v1/actions', request)).json();
  const usesOf = async (id: string) => (await h.call('carol', 'GET', `/v1/grants/${id}`)).json().uses as number;
  return { ...h, granted, submitted, usesOf };
}

describe('standing grants on limited rules', () => {
  it('counts the calls a grant allows, and over a deny limit denies without using the grant', async () => {
    const h = await start();
    const grant = await h.granted(PAYOUT);
    // The approval counted once; two more fit the limit of 3, allowed by the grant.
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await h.submitted(PAYOUT));
    expect(answers.map((a) => [a.status, a.reason_code])).toEqual([
      ['allowed', 'grant'],
      ['allowed', 'grant'],
      ['denied', 'limit_reached'],
      ['denied', 'limit_reached'],
    ]);
    expect(answers[2].reason).toBe('limit 3 per 1h by agent_id reached: 3 used');
    expect(answers[2].grant_id ?? null).toBeNull();
    expect(await h.usesOf(grant.id)).toBe(2);
    // The limit's usage in the granted decision's ledger event, as for any limited call.
    const events = (await h.call('carol', 'GET', `/v1/actions/${answers[1].id}/events`)).json();
    expect(events[1].meta).toMatchObject({ grant_id: grant.id, limit: { used: 2, amount: 1, reached: false } });
    // A small payout (not high risk, no grant needed) is over the limit too: the grant's calls counted.
    expect(await h.submitted({ ...PAYOUT, params: { amount: 10 } })).toMatchObject({
      status: 'denied',
      reason_code: 'limit_reached',
    });
  });

  it('lets exactly the limit through among concurrent granted calls', async () => {
    const h = await start();
    const grant = await h.granted(PAYOUT);
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.submitted(PAYOUT)));
    expect(answers.filter((a) => a.status === 'allowed')).toHaveLength(2);
    expect(answers.filter((a) => a.status === 'denied' && a.reason_code === 'limit_reached')).toHaveLength(18);
    expect(await h.usesOf(grant.id)).toBe(2);
  });

  it('sends a call over a require_approval limit to approval, where no grant may be made', async () => {
    const h = await start();
    const grant = await h.granted(REFUND);
    expect(await h.submitted(REFUND)).toMatchObject({ status: 'allowed', reason_code: 'grant' });
    const over = await h.submit('bot', REFUND);
    expect(over).toMatchObject({ status: 'pending_approval', reason_code: 'limit_reached' });
    expect(await h.usesOf(grant.id)).toBe(1);
    const proposal = await h.call('carol', 'GET', `/v1/actions/${over.id}/grant-proposal`);
    expect(proposal.statusCode).toBe(400);
    expect(proposal.json().error.code).toBe('grant_invalid');
    const withGrant = await h.call('carol', 'POST', `/v1/actions/${over.id}/approval`, {
      token: over.approval_token,
      approve: true,
      grant: { scope: scopeOf('stripe', 'refund'), ttl: '1h', high_risk: true },
    });
    expect(withGrant.statusCode).toBe(400);
    expect(withGrant.json().error).toMatchObject({ code: 'grant_invalid' });
    expect(withGrant.json().error.message).toContain('a grant never lifts a limit');
    // Approved without a grant, it counts like any approval.
    expect((await h.decide('carol', over)).statusCode).toBe(200);
    expect((await h.call('carol', 'GET', '/v1/grants')).json().items).toHaveLength(1);
  });
});
