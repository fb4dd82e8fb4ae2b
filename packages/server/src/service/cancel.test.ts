import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

const TOKENS = {
  admin: 'admin-token-000',
  ann: 'approver-ann-111',
  bot: 'agent-bot-333',
  other: 'agent-other-444',
};

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer({
    env: {
      FARAMESH_TOKEN: TOKENS.admin,
      FARAMESH_TOKENS: `ann:approver:${TOKENS.ann},bot:agent:${TOKENS.bot},other:agent:${TOKENS.other}`,
    },
  });
});
afterEach(() => server.close());

const call = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
  server.app.inject({
    method,
    url,
    ...(payload !== undefined && { payload: payload as object }),
    headers: { authorization: `Bearer ${token}` },
  });

const shell = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'kubectl delete pod x' } };
const httpGet = { agent_id: 'bot', tool: 'http', operation: 'get', params: { url: 'https://example.com' } };

async function submit(payload: object = shell, token = TOKENS.bot) {
  const res = await call(token, 'POST', '/v1/actions', payload);
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; status: string };
}

async function eventsOf(id: string) {
  return (await call(TOKENS.admin, 'GET', `/v1/actions/${id}/events`)).json() as {
    event_type: string;
    meta: Record<string, unknown>;
  }[];
}

async function approve(id: string) {
  const token = (await call(TOKENS.ann, 'GET', `/v1/actions/${id}`)).json().approval_token;
  const res = await call(TOKENS.ann, 'POST', `/v1/actions/${id}/approval`, { token, approve: true });
  expect(res.json().status).toBe('approved');
  return token as string;
}

describe('POST /v1/actions/{id}/cancel', () => {
  it('lets the submitter withdraw its pending action, records why, and voids the approval token', async () => {
    const action = await submit();
    const token = (await call(TOKENS.ann, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
    const res = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/cancel`, { reason: 'user pressed Ctrl-C' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: action.id, status: 'cancelled' });
    const events = await eventsOf(action.id);
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'cancelled']);
    expect(events[2]!.meta).toEqual({
      by: 'bot',
      role: 'agent',
      reason: 'user pressed Ctrl-C',
      from: 'pending_approval',
    });
    const late = await call(TOKENS.ann, 'POST', `/v1/actions/${action.id}/approval`, { token, approve: true });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'invalid_transition', details: { status: 'cancelled' } });
    expect((await call(TOKENS.ann, 'GET', `/v1/actions/${action.id}`)).json().approval_token).toBeNull();
  });

  it('ends a long-poll waiting for the decision with the cancelled action', async () => {
    const action = await submit();
    const waiting = call(TOKENS.bot, 'GET', `/v1/actions/${action.id}/wait?timeout_ms=10000`);
    await new Promise((done) => setTimeout(done, 50));
    await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/cancel`);
    expect((await waiting).json().status).toBe('cancelled');
  });

  it('withdraws an allowed or approved action that has not started, and then refuses to start it', async () => {
    const allowed = await submit(httpGet);
    expect(allowed.status).toBe('allowed');
    const approved = await submit();
    await approve(approved.id);
    for (const action of [allowed, approved]) {
      const res = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/cancel`, {});
      expect(res.json().status).toBe('cancelled');
      const start = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/start`);
      expect(start.statusCode).toBe(409);
      expect(start.json().error.code).toBe('invalid_transition');
      const result = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/result`, { success: true });
      expect(result.json().error.code).toBe('invalid_transition');
    }
    expect((await eventsOf(approved.id)).at(-1)?.meta.from).toBe('approved');
    expect((await eventsOf(allowed.id)).at(-1)?.meta.from).toBe('allowed');
  });

  it('lets an admin cancel anyone’s action', async () => {
    const action = await submit();
    const res = await call(TOKENS.admin, 'POST', `/v1/actions/${action.id}/cancel`, { reason: 'stale' });
    expect(res.json().status).toBe('cancelled');
    expect((await eventsOf(action.id)).at(-1)?.meta).toMatchObject({ by: 'admin', role: 'admin', reason: 'stale' });
  });

  it('refuses an approver who did not submit it with 403, and hides it from other agents (404)', async () => {
    const action = await submit();
    const byApprover = await call(TOKENS.ann, 'POST', `/v1/actions/${action.id}/cancel`);
    expect(byApprover.statusCode).toBe(403);
    expect(byApprover.json().error.code).toBe('forbidden');
    const byOther = await call(TOKENS.other, 'POST', `/v1/actions/${action.id}/cancel`);
    expect(byOther.statusCode).toBe(404);
    expect(byOther.json().error.code).toBe('action_not_found');
    expect((await call(TOKENS.admin, 'GET', `/v1/actions/${action.id}`)).json().status).toBe('pending_approval');
  });

  it('answers 409 invalid_transition from every final status and from executing', async () => {
    const denied = await submit({ agent_id: 'bot', tool: 'rm', operation: 'everything' });
    expect(denied.status).toBe('denied');
    const executing = await submit(httpGet);
    await call(TOKENS.bot, 'POST', `/v1/actions/${executing.id}/start`);
    const succeeded = await submit(httpGet);
    await call(TOKENS.bot, 'POST', `/v1/actions/${succeeded.id}/result`, { success: true });
    const cancelled = await submit();
    await call(TOKENS.bot, 'POST', `/v1/actions/${cancelled.id}/cancel`);
    const cases: [string, string][] = [
      [denied.id, 'denied'],
      [executing.id, 'executing'],
      [succeeded.id, 'succeeded'],
      [cancelled.id, 'cancelled'],
    ];
    for (const [id, status] of cases) {
      const res = await call(TOKENS.bot, 'POST', `/v1/actions/${id}/cancel`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'invalid_transition', details: { status, command: 'cancel' } });
    }
    expect((await eventsOf(cancelled.id)).filter((e) => e.event_type === 'cancelled')).toHaveLength(1);
  });

  it('validates the optional body: no body, {} and a null reason are fine; unknown fields are not', async () => {
    for (const payload of [undefined, {}, { reason: null }]) {
      const action = await submit();
      const res = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/cancel`, payload);
      expect(res.statusCode).toBe(200);
      expect((await eventsOf(action.id)).at(-1)?.meta.reason).toBeNull();
    }
    const action = await submit();
    for (const payload of [{ why: 'x' }, { reason: 'x'.repeat(4097) }, { reason: 5 }]) {
      const res = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/cancel`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const prefix = await call(TOKENS.bot, 'POST', `/v1/actions/${action.id.slice(0, 8)}/cancel`);
    expect(prefix.json().error.code).toBe('invalid_id');
  });

  it('is listed by status, counted in the metrics and among the status counts', async () => {
    const a = await submit();
    const b = await submit(httpGet);
    await call(TOKENS.bot, 'POST', `/v1/actions/${a.id}/cancel`);
    await call(TOKENS.bot, 'POST', `/v1/actions/${b.id}/cancel`);
    const list = (await call(TOKENS.admin, 'GET', '/v1/actions?status=cancelled')).json();
    expect(list.items.map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id].sort());
    const metrics = (await call(TOKENS.admin, 'GET', '/metrics')).body;
    expect(metrics).toContain('faramesh_cancellations_total{from="pending_approval"} 1');
    expect(metrics).toContain('faramesh_cancellations_total{from="allowed"} 1');
    expect(metrics).toContain('faramesh_actions_by_status{status="cancelled"} 2');
    expect(metrics).toMatch(/faramesh_actions_total\{status="cancelled",tool="shell"\} 1/);
  });

  it('never loses a cancel racing an approval: the action ends cancelled, each event recorded once', async () => {
    for (let round = 0; round < 10; round++) {
      const action = await submit();
      const token = (await call(TOKENS.ann, 'GET', `/v1/actions/${action.id}`)).json().approval_token;
      const [cancel, decision] = await Promise.all([
        call(TOKENS.bot, 'POST', `/v1/actions/${action.id}/cancel`),
        call(TOKENS.ann, 'POST', `/v1/actions/${action.id}/approval`, { token, approve: true }),
      ]);
      expect(cancel.statusCode).toBe(200);
      const types = (await eventsOf(action.id)).map((e) => e.event_type).slice(2);
      // Either the cancel came first (the approval is refused) or it withdrew the fresh approval.
      if (decision.statusCode === 200) expect(types).toEqual(['approved', 'cancelled']);
      else expect([types, decision.statusCode]).toEqual([['cancelled'], 409]);
      expect((await call(TOKENS.admin, 'GET', `/v1/actions/${action.id}`)).json().status).toBe('cancelled');
    }
  });
});
