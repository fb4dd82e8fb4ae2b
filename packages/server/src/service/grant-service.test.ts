import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startQuorumServer } from './approval-testing.test-support.js';

/** Refunds need two of finance; shell one approver; `rm` is denied outright; `shutdown` is high risk. */
const POLICY = `
groups:
  finance: [alice, bob, carol]
rules:
  - match: { tool: shell, any_command: [rm] }
    deny: true
    description: Never delete
  - match: { tool: stripe, op: refund }
    require_approval: true
    description: Refunds need two of finance
    approvers: [finance]
    approvals: 2
  - match: { tool: shell }
    require_approval: true
    description: Shell needs one approver
  - match: { tool: "*" }
    allow: true
risk:
  rules:
    - name: power
      when: { tool: shell, any_command: [shutdown] }
      risk_level: high
`;

const LS = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } };
const lsScope = (params: object = { cmd: { command: 'ls -la /tmp' } }) => ({
  tool: 'shell',
  operation: 'run',
  agent_id: 'bot',
  params,
});

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(env: Record<string, string> = {}) {
  const harness = await startQuorumServer({ policy: POLICY, env });
  close = () => harness.server.close();
  const approveWith = (
    who: 'alice' | 'bob' | 'carol' | 'erin',
    action: { id: string; approval_token: string },
    grant: object,
  ) =>
    harness.call(who, 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve: true,
      grant,
    });
  const submitRaw = (request: object) => harness.call('bot', 'POST', '/v1/actions', request);
  return { ...harness, approveWith, submitRaw };
}

describe('standing grants on the server', () => {
  it('revokes the grants a person made when an admin revokes their token, and never outlives that token', async () => {
    const h = await start();
    const made = await h.call('carol', 'POST', '/v1/tokens', { name: 'frank', role: 'approver', expires_in: '3h' });
    expect(made.statusCode).toBe(201);
    const frank = made.json().secret as string;
    const asFrank = (method: 'GET' | 'POST', url: string, payload?: object) =>
      h.server.app.inject({ method, url, headers: { authorization: `Bearer ${frank}` }, ...(payload && { payload }) });

    const first = await h.submit('bot', LS);
    const approved = await asFrank('POST', `/v1/actions/${first.id}/approval`, {
      token: first.approval_token,
      approve: true,
      grant: { scope: lsScope(), ttl: '8h' },
    });
    expect(approved.statusCode).toBe(200);
    const [grant] = (await h.call('alice', 'GET', '/v1/grants')).json().items;
    // Asked for 8 hours; frank's token ends in 3, and the grant with it.
    expect(grant).toMatchObject({ created_by: [{ name: 'frank' }], expires_at: '2030-01-01T03:00:00.000Z' });
    expect((await h.submitRaw(LS)).json()).toMatchObject({ status: 'allowed', grant_id: grant.id });

    expect((await h.call('carol', 'POST', '/v1/tokens/frank/revoke', {})).statusCode).toBe(200);
    const revoked = (await h.call('alice', 'GET', `/v1/grants/${grant.id}`)).json();
    expect(revoked).toMatchObject({
      state: 'revoked',
      revoked_by: 'carol',
      revoke_reason: 'the token of frank was revoked',
    });
    expect((await h.submitRaw(LS)).json()).toMatchObject({
      status: 'pending_approval',
      reason_code: 'rule_require_approval',
    });
    expect(await h.eventTypes(first.id)).toEqual([
      'created',
      'decision_made',
      'approved',
      'grant_created',
      'grant_revoked',
    ]);
  });

  it('allows calls like the approved one with reason_code grant, the grant id and a recorded use', async () => {
    const h = await start();
    const first = await h.submit('bot', LS);
    // Seconds as text are seconds: 7200 is the 2 hours below.
    const approved = await h.approveWith('alice', first, { scope: lsScope(), ttl: '7200', max_uses: 2 });
    expect(approved.statusCode).toBe(200);
    expect(await h.eventTypes(first.id)).toEqual(['created', 'decision_made', 'approved', 'grant_created']);
    const [grant] = (await h.call('alice', 'GET', '/v1/grants')).json().items;
    expect(grant).toMatchObject({
      action_id: first.id,
      created_by: [{ name: 'alice', role: 'approver' }],
      max_uses: 2,
      uses: 0,
      state: 'active',
      expires_at: '2030-01-01T02:00:00.000Z',
    });

    const covered = (await h.submitRaw({ ...LS, params: { cmd: "ls  '-la' /tmp" } })).json();
    expect(covered).toMatchObject({ status: 'allowed', decision: 'allow', reason_code: 'grant', grant_id: grant.id });
    // The reason names the grant, who made it and the policy's own reason; the risk stays the policy's.
    expect(covered.reason).toBe(
      `Allowed by standing grant ${grant.id.slice(0, 8)} from alice (policy: ${first.reason})`,
    );
    expect(covered.risk_level).toBe(first.risk_level);
    expect(covered.approval_token ?? null).toBeNull();
    // The use is recorded in the decision itself: it names the grant and the action that made it.
    const events = (await h.call('alice', 'GET', `/v1/actions/${covered.id}/events`)).json();
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made']);
    expect(events[1].meta).toMatchObject({
      reason_code: 'grant',
      grant_id: grant.id,
      grant_action_id: first.id,
      grant_max_uses: 2,
    });
    expect((await h.submitRaw(LS)).json()).toMatchObject({ reason_code: 'grant' });
    // Used up: the third goes to approval like any other.
    expect((await h.submitRaw(LS)).json()).toMatchObject({ status: 'pending_approval' });
    expect((await h.call('alice', 'GET', `/v1/grants/${grant.id}`)).json()).toMatchObject({
      uses: 2,
      state: 'exhausted',
    });
  });

  it('does not cover a different command, another agent or an extra param', async () => {
    const h = await start();
    const first = await h.submit('bot', LS);
    await h.approveWith('alice', first, { scope: lsScope(), ttl: '1h' });
    for (const request of [
      { ...LS, params: { cmd: 'ls -la /tmp; cat /etc/shadow' } },
      { ...LS, agent_id: 'bot/other' },
      { ...LS, params: { cmd: 'ls -la /tmp', cwd: '/' } },
    ]) {
      expect((await h.submitRaw(request)).json()).toMatchObject({ status: 'pending_approval' });
    }
  });

  it('never overrides a deny rule, however wide the grant', async () => {
    const h = await start();
    const first = await h.submit('bot', LS);
    await h.approveWith('alice', first, { scope: lsScope({ cmd: { any: true } }), ttl: '1h' });
    expect((await h.submitRaw({ ...LS, params: { cmd: 'rm -rf /' } })).json()).toMatchObject({
      status: 'denied',
      reason_code: 'rule_deny',
    });
    expect((await h.submitRaw({ ...LS, params: { cmd: 'cat /etc/hosts' } })).json()).toMatchObject({
      reason_code: 'grant',
    });
  });

  it('makes a quorum grant only from approvers who all asked for it, and it then covers that rule', async () => {
    const h = await start();
    const refund = { agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 50 } };
    const scope = { tool: 'stripe', operation: 'refund', agent_id: 'bot', params: { amount: { at_most: 100 } } };
    const first = await h.submit('bot', refund);
    expect((await h.decide('alice', first)).statusCode).toBe(200);
    const refused = await h.approveWith('bob', first, { scope, ttl: '1h' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'grant_not_endorsed',
      details: { approvers_without_grant: ['alice'] },
    });

    const second = await h.submit('bot', refund);
    expect((await h.approveWith('alice', second, { scope, ttl: '1h', max_uses: 5 })).json()).toMatchObject({
      status: 'pending_approval',
    });
    expect((await h.approveWith('bob', second, { scope, ttl: '2h' })).json()).toMatchObject({ status: 'approved' });
    const [grant] = (await h.call('alice', 'GET', '/v1/grants')).json().items;
    expect(grant).toMatchObject({ max_uses: 5, expires_at: '2030-01-01T01:00:00.000Z' });
    expect(grant.created_by.map((c: { name: string }) => c.name)).toEqual(['alice', 'bob']);
    expect((await h.submitRaw({ ...refund, params: { amount: 99 } })).json()).toMatchObject({ reason_code: 'grant' });
    expect((await h.submitRaw({ ...refund, params: { amount: 101 } })).json()).toMatchObject({
      status: 'pending_approval',
    });
  });

  it('approves without a grant when the last of a quorum asks for none, and records who had asked', async () => {
    const h = await start();
    const refund = { agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 50 } };
    const scope = { tool: 'stripe', operation: 'refund', agent_id: 'bot', params: { amount: { at_most: 100 } } };
    const action = await h.submit('bot', refund);
    expect((await h.approveWith('alice', action, { scope, ttl: '1h' })).json().status).toBe('pending_approval');
    expect((await h.decide('bob', action)).json().status).toBe('approved');
    expect((await h.call('alice', 'GET', '/v1/grants')).json().items).toEqual([]);
    const events = (await h.call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events.at(-1)).toMatchObject({
      event_type: 'approved',
      meta: { grant_not_made: { asked_by: ['alice'], why: 'bob approved without asking for it' } },
    });
  });

  it('stops covering calls once a reloaded policy asks more approvals than the grant was made by', async () => {
    const h = await start();
    const first = await h.submit('bot', LS);
    await h.approveWith('alice', first, { scope: lsScope(), ttl: '1h' });
    expect((await h.submitRaw(LS)).json()).toMatchObject({ reason_code: 'grant' });
    const stricter = POLICY.replace(
      'description: Shell needs one approver',
      'description: Shell needs two\n    approvers: [finance]\n    approvals: 2',
    );
    writeFileSync(join(h.server.dir, 'policy.yaml'), stricter);
    expect((await h.server.context.reloadPolicy()).ok).toBe(true);
    expect((await h.submitRaw(LS)).json()).toMatchObject({ status: 'pending_approval' });
  });

  it('refuses bad grants with clear 4xx codes and records nothing', async () => {
    const h = await start({ FARAMESH_GRANT_MAX_TTL: '3600' });
    const action = await h.submit('bot', LS);
    const cases: Array<[object, number, string]> = [
      [{ scope: lsScope(), ttl: '2h' }, 400, 'grant_ttl_too_long'],
      [{ scope: lsScope(), ttl: '-5m' }, 400, 'grant_invalid'],
      [{ scope: lsScope(), ttl: '0' }, 400, 'grant_invalid'],
      [{ scope: lsScope(), ttl: '3601' }, 400, 'grant_ttl_too_long'],
      [{ scope: lsScope(), ttl: 0 }, 400, 'validation_failed'],
      [{ scope: lsScope() }, 400, 'validation_failed'],
      [{ scope: { ...lsScope(), tool: 'shell*' }, ttl: '1h' }, 400, 'grant_invalid'],
      [{ scope: lsScope({ cmd: { command: 'ls /etc' } }), ttl: '1h' }, 400, 'grant_invalid'],
      [{ scope: lsScope({ cmd: { like: 'ls' } }), ttl: '1h' }, 400, 'grant_invalid'],
      [{ scope: lsScope(), ttl: '1h', high_risk: true }, 403, 'grant_forbidden'],
      [{ scope: lsScope(), ttl: '1h', max_uses: 0 }, 400, 'validation_failed'],
    ];
    for (const [grant, status, code] of cases) {
      const response = await h.approveWith('alice', action, grant);
      expect({ grant, status: response.statusCode, code: response.json().error?.code }).toEqual({
        grant,
        status,
        code,
      });
    }
    const denial = await h.call('alice', 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve: false,
      grant: { scope: lsScope(), ttl: '1h' },
    });
    expect(denial.json().error.code).toBe('grant_invalid');
    expect(await h.eventTypes(action.id)).toEqual(['created', 'decision_made']);
    expect((await h.call('alice', 'GET', '/v1/grants?state=all')).json().items).toEqual([]);
  });

  it('revokes: the next call waits for approval again, and the revocation is on the ledger', async () => {
    const h = await start();
    const first = await h.submit('bot', LS);
    await h.approveWith('alice', first, { scope: lsScope(), ttl: '1h' });
    const [grant] = (await h.call('alice', 'GET', '/v1/grants')).json().items;
    expect((await h.call('bot', 'GET', '/v1/grants')).statusCode).toBe(403);
    expect((await h.call('bot', 'POST', `/v1/grants/${grant.id}/revoke`, {})).statusCode).toBe(403);
    const revoked = await h.call('erin', 'POST', `/v1/grants/${grant.id}/revoke`, { reason: 'too wide' });
    expect(revoked.json()).toMatchObject({ state: 'revoked', revoked_by: 'erin', revoke_reason: 'too wide' });
    const again = await h.call('alice', 'POST', `/v1/grants/${grant.id}/revoke`, {});
    expect(again.json()).toMatchObject({ revoked_by: 'erin' });
    expect((await h.submitRaw(LS)).json()).toMatchObject({ status: 'pending_approval' });
    expect(await h.eventTypes(first.id)).toEqual([
      'created',
      'decision_made',
      'approved',
      'grant_created',
      'grant_revoked',
    ]);
    expect((await h.call('alice', 'GET', '/v1/grants')).json().items).toEqual([]);
    expect((await h.call('alice', 'GET', '/v1/grants/not-a-uuid')).json().error.code).toBe('invalid_id');
    const unknown = await h.call('alice', 'GET', '/v1/grants/00000000-0000-4000-8000-000000000000');
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'grant_not_found']);
    // A page after a grant no page named is an error, not an empty end of the list.
    expect((await h.call('alice', 'GET', `/v1/grants?state=all&after=${grant.id}`)).json()).toEqual({
      items: [],
      next_after: null,
    });
    const garbage = await h.call('alice', 'GET', '/v1/grants?state=all&after=garbage');
    expect([garbage.statusCode, garbage.json().error.code]).toEqual([400, 'invalid_cursor']);
  });

  it('expires: later calls wait for approval, and the expiry is recorded once', async () => {
    const h = await start();
    const first = await h.submit('bot', LS);
    await h.approveWith('alice', first, { scope: lsScope(), ttl: '30m' });
    h.clock.now += 30 * 60_000;
    expect((await h.submitRaw(LS)).json()).toMatchObject({ status: 'pending_approval' });
    expect(await h.server.context.grants.expireDue()).toBe(1);
    expect(await h.server.context.grants.expireDue()).toBe(0);
    expect((await h.eventTypes(first.id)).at(-1)).toBe('grant_expired');
    const [grant] = (await h.call('alice', 'GET', '/v1/grants?state=all')).json().items;
    expect(grant.state).toBe('expired');
    // Revoking it now changes nothing: it stays expired, and the ledger gets no revocation.
    const revoke = await h.call('alice', 'POST', `/v1/grants/${grant.id}/revoke`, { reason: 'late' });
    expect(revoke.json()).toMatchObject({ state: 'expired', revoked_at: null });
    expect((await h.eventTypes(first.id)).at(-1)).toBe('grant_expired');
  });

  it('covers high-risk calls only with an explicit high_risk grant from someone who may make one', async () => {
    const h = await start();
    const shutdown = { ...LS, params: { cmd: 'shutdown -h now' } };
    const scope = lsScope({ cmd: { command: 'shutdown -h now' } });
    const first = await h.submit('bot', shutdown);
    expect(first.risk_level).toBe('high');
    expect((await h.approveWith('alice', first, { scope, ttl: '1h' })).json().error.code).toBe('grant_invalid');
    expect((await h.approveWith('alice', first, { scope, ttl: '1h', high_risk: true })).json().error.code).toBe(
      'grant_forbidden',
    );
    expect((await h.approveWith('carol', first, { scope, ttl: '1h', high_risk: true })).statusCode).toBe(200);
    expect((await h.submitRaw(shutdown)).json()).toMatchObject({ status: 'allowed', reason_code: 'grant' });
  });
});
