import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QUORUM_POLICY, startQuorumServer } from './approval-testing.test-support.js';

let harness: Awaited<ReturnType<typeof startQuorumServer>> | undefined;
afterEach(async () => {
  await harness?.server.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startQuorumServer>[0] = {}) {
  harness = await startQuorumServer(options);
  return harness;
}

describe('team approvals: who may approve, and how many', () => {
  it('keeps the action pending after the first of two approvals and approves on the second', async () => {
    const { submit, decide, call, eventTypes } = await start();
    const action = await submit();
    expect(action).toMatchObject({
      status: 'pending_approval',
      approvals_required: 2,
      approvals: [],
      waiting_for: { any_approver: false, approvers: ['finance'], text: 'finance' },
    });

    const first = await decide('alice', action, true, 'looks right');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      status: 'pending_approval',
      approvals: [{ by: 'alice', at: '2030-01-01T00:00:00.000Z', reason: 'looks right' }],
      waiting_for: { identities: ['bob', 'carol'], text: 'finance' },
      approval_decided_by: null,
    });
    expect(await eventTypes(action.id)).toEqual(['created', 'decision_made', 'approval_recorded']);
    const events = (await call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2].meta).toMatchObject({ by: 'alice', approvals: ['alice'], approvals_required: 2, remaining: 1 });

    const second = await decide('bob', action, true);
    expect(second.json()).toMatchObject({
      status: 'approved',
      approvals: [{ by: 'alice' }, { by: 'bob' }],
      approval_decided_by: 'bob',
      waiting_for: null,
    });
    expect(await eventTypes(action.id)).toEqual(['created', 'decision_made', 'approval_recorded', 'approved']);
  });

  it('refuses someone outside the approvers with 403 not_an_approver naming who may', async () => {
    const { submit, decide } = await start();
    const action = await submit();
    const response = await decide('erin', action);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: 'not_an_approver',
      details: { who_may: { approvers: ['finance'], identities: ['alice', 'bob', 'carol'], text: 'finance' } },
    });
  });

  it('refuses the submitter with 403 self_approval_forbidden even when they are an approver', async () => {
    const { submit, decide } = await start();
    const action = await submit('carol', { ...REFUND_AS_CAROL });
    const response = await decide('carol', action);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: 'self_approval_forbidden',
      details: { submitted_by: 'carol' },
    });
  });

  it('counts each identity once: a second approval by the same person is 409 already_approved', async () => {
    const { submit, decide, eventTypes } = await start();
    const action = await submit();
    await decide('alice', action);
    const again = await decide('alice', action);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_approved');
    expect(await eventTypes(action.id)).toEqual(['created', 'decision_made', 'approval_recorded']);
  });

  it('denies on any single deny by an allowed approver, after a partial approval too', async () => {
    const { submit, decide } = await start();
    const action = await submit();
    await decide('alice', action);
    const denied = await decide('bob', action, false, 'not this customer');
    expect(denied.json()).toMatchObject({
      status: 'denied',
      approval_decided_by: 'bob',
      approval_reason: 'not this customer',
      approvals: [{ by: 'alice' }],
    });
  });

  it('keeps the approval token bound: a wrong token or another request hash is refused', async () => {
    const { submit, call } = await start();
    const action = await submit();
    const wrong = await call('alice', 'POST', `/v1/actions/${action.id}/approval`, { token: 'nope', approve: true });
    expect(wrong.json().error.code).toBe('approval_token_invalid');
    const otherHash = await call('alice', 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve: true,
      request_hash: '0'.repeat(64),
    });
    expect(otherHash.json().error.code).toBe('approval_token_invalid');
  });

  it("uses the rule's expires_in instead of FARAMESH_APPROVAL_TTL, and the default elsewhere", async () => {
    const { submit } = await start();
    const refund = await submit();
    expect(refund.approval_expires_at).toBe('2030-01-01T00:30:00.000Z');
    const shell = await submit('bot', { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } });
    expect(shell.approval_expires_at).toBe('2030-01-01T01:00:00.000Z');
    expect(shell).toMatchObject({ approvals_required: 1, waiting_for: { any_approver: true, text: 'any approver' } });
  });

  it('keeps the requirement a pending action was decided under when the policy is reloaded', async () => {
    const { server, submit, decide, call } = await start();
    const action = await submit();
    await decide('alice', action);
    // The reloaded policy asks for one approval from erin alone.
    const relaxed = QUORUM_POLICY.replace('approvers: [finance]\n    approvals: 2', 'approvers: ["user:erin"]');
    writeFileSync(join(server.dir, 'policy.yaml'), relaxed);
    expect((await call('carol', 'POST', '/v1/policy/reload')).statusCode).toBe(200);
    expect((await decide('erin', action)).json().error.code).toBe('not_an_approver');
    expect((await call('alice', 'GET', `/v1/actions/${action.id}`)).json()).toMatchObject({
      status: 'pending_approval',
      approvals_required: 2,
      waiting_for: { approvers: ['finance'] },
    });
    expect((await decide('bob', action)).json().status).toBe('approved');
    // New submissions get the new requirement.
    const fresh = await submit();
    expect(fresh).toMatchObject({ approvals_required: 1, waiting_for: { approvers: ['user:erin'] } });
  });

  it('tells each caller whether they may decide, and why not', async () => {
    const { submit, decide, call } = await start();
    const action = await submit('carol', { ...REFUND_AS_CAROL });
    const view = async (who: 'alice' | 'carol' | 'erin' | 'bot') =>
      (await call(who, 'GET', `/v1/actions/${action.id}`)).json().you_may_decide;
    expect(await view('alice')).toEqual({ ok: true, code: 'ok', reason: null });
    expect(await view('carol')).toMatchObject({ ok: false, code: 'self_approval_forbidden' });
    expect(await view('erin')).toMatchObject({
      ok: false,
      code: 'not_an_approver',
      reason: expect.stringContaining('finance'),
    });
    await decide('alice', action);
    expect(await view('alice')).toMatchObject({ ok: false, code: 'already_approved' });
    await decide('bob', action);
    expect(await view('alice')).toBeUndefined();
  });

  it('lists only the pending actions the caller may decide with ?awaiting=me', async () => {
    const { submit, decide, call, clock } = await start();
    const refund = await submit();
    clock.now += 1000;
    const shell = await submit('bot', { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } });
    clock.now += 1000;
    const carols = await submit('carol', { ...REFUND_AS_CAROL });
    await submit('bot', { agent_id: 'bot', tool: 'http', operation: 'get' }); // allowed, never pending
    const ids = async (who: 'alice' | 'erin' | 'carol' | 'bot', query = '') => {
      const page = (await call(who, 'GET', `/v1/actions?awaiting=me${query}`)).json();
      return { ids: page.items.map((item: { id: string }) => item.id), total: page.total };
    };
    expect(await ids('alice')).toEqual({ ids: [carols.id, shell.id, refund.id], total: 3 });
    expect(await ids('erin')).toEqual({ ids: [shell.id], total: 1 });
    expect(await ids('carol')).toEqual({ ids: [shell.id, refund.id], total: 2 });
    expect(await ids('bot')).toEqual({ ids: [], total: 0 });
    await decide('alice', refund);
    expect(await ids('alice')).toEqual({ ids: [carols.id, shell.id], total: 2 });
    expect(await ids('alice', '&tool=shell')).toEqual({ ids: [shell.id], total: 1 });
    expect(await ids('alice', '&status=approved')).toEqual({ ids: [], total: 0 });
    const paged = (await call('alice', 'GET', '/v1/actions?awaiting=me&limit=1')).json();
    expect(paged.items.map((item: { id: string }) => item.id)).toEqual([carols.id]);
    const next = (await call('alice', 'GET', `/v1/actions?awaiting=me&limit=1&cursor=${paged.next_cursor}`)).json();
    expect(next.items.map((item: { id: string }) => item.id)).toEqual([shell.id]);
    expect((await call('alice', 'GET', '/v1/actions?awaiting=you')).json().error.code).toBe('validation_failed');
  });

  it('lets one shared token approve what it submitted (seed flow), counted once', async () => {
    const { server } = await start({ env: { FARAMESH_TOKENS: '', FARAMESH_TOKEN: 'shared-seed-token' } });
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      server.app.inject({
        method,
        url,
        ...(payload !== undefined && { payload }),
        headers: { authorization: 'Bearer shared-seed-token' },
      });
    const shell = (
      await call('POST', '/v1/actions', { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls' } })
    ).json();
    const approved = (
      await call('POST', `/v1/actions/${shell.id}/approval`, { token: shell.approval_token, approve: true })
    ).json();
    expect(approved).toMatchObject({ status: 'approved', approvals: [{ by: 'admin' }], approvals_required: 1 });
    const events = (await call('GET', `/v1/actions/${shell.id}/events`)).json();
    expect(events.at(-1).meta).toMatchObject({ self_approval: true });
  });
});

const REFUND_AS_CAROL = { agent_id: 'carol', tool: 'stripe', operation: 'refund', params: { amount: 7000 } };
