import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';
import { startQuorumServer, type Who } from './approval-testing.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'faramesh-break-glass-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let harness: Awaited<ReturnType<typeof startQuorumServer>> | undefined;
afterEach(async () => {
  await harness?.server.close();
  harness = undefined;
});

/** The quorum server (refunds need two of finance) on a SQLite file. */
async function start(file = `bg-${Math.random().toString(36).slice(2)}.db`) {
  harness = await startQuorumServer({ store: createSqliteStore({ path: join(dir, file) }) });
  const { call } = harness;
  const breakGlass = (who: Who, action: { id: string; request_hash?: unknown }, body: object = {}) =>
    call(who, 'POST', `/v1/actions/${action.id}/break-glass`, {
      reason: 'payments outage, finance unreachable',
      request_hash: action.request_hash,
      ...body,
    });
  const acknowledge = (who: Who, id: string, note?: string) =>
    call(who, 'POST', `/v1/reviews/${id}/acknowledge`, note === undefined ? {} : { note });
  const reviews = async (who: Who, query = '') => call(who, 'GET', `/v1/reviews${query}`);
  return { ...harness, breakGlass, acknowledge, reviews };
}

describe('break-glass: an admin approves past the approvers and quorum, with a reason', () => {
  it('approves at once, marks the action, records the ledger event and counts it', async () => {
    const { submit, breakGlass, call, eventTypes, server } = await start();
    const action = await submit();
    const response = await breakGlass('carol', action);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'approved',
      approval_decided_by: 'carol',
      approval_reason: 'payments outage, finance unreachable',
      approval_token: null,
      break_glass: {
        by: 'carol',
        at: '2030-01-01T00:00:00.000Z',
        reason: 'payments outage, finance unreachable',
        review: { status: 'open', acknowledged_by: null, acknowledged_at: null, note: null },
      },
    });
    expect(await eventTypes(action.id)).toEqual(['created', 'decision_made', 'approved']);
    const events = (await call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[2].meta).toEqual({
      by: 'carol',
      role: 'admin',
      reason: 'payments outage, finance unreachable',
      break_glass: true,
      bypassed: { approvals_required: 2, approvals: [], remaining: 2 },
    });
    // Read back everywhere: by id, in lists, and in the metric.
    expect((await call('alice', 'GET', `/v1/actions/${action.id}`)).json().break_glass.by).toBe('carol');
    const listed = (await call('alice', 'GET', '/v1/actions?status=approved')).json().items[0];
    expect(listed.break_glass.review.status).toBe('open');
    // The submitting agent sees that its action was approved by breaking glass.
    expect((await call('bot', 'GET', '/v1/actions')).json().items[0].break_glass.by).toBe('carol');
    const metrics = await server.app.inject({ url: '/metrics', headers: { authorization: 'Bearer carol-token-0003' } });
    expect(metrics.body).toMatch(/^faramesh_break_glass_total 1$/m);
  });

  it('bypasses a partial quorum and records where it stood', async () => {
    const { submit, decide, breakGlass, call } = await start();
    const action = await submit();
    await decide('alice', action);
    expect((await breakGlass('carol', action)).json().status).toBe('approved');
    const events = (await call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events.at(-1).meta.bypassed).toEqual({ approvals_required: 2, approvals: ['alice'], remaining: 1 });
  });

  it('refuses anyone but an admin, a missing or blank (or only invisible) reason, and a request it was not shown', async () => {
    const { submit, breakGlass, call } = await start();
    const action = await submit();
    const refusals = [
      [await breakGlass('alice', action), 403, 'forbidden'],
      [await breakGlass('bot', action), 403, 'forbidden'],
      [await breakGlass('carol', action, { reason: undefined }), 400, 'break_glass_reason_required'],
      [await breakGlass('carol', action, { reason: '   ' }), 400, 'break_glass_reason_required'],
      [await breakGlass('carol', action, { reason: ' \u200b\u2060\ufeff ' }), 400, 'break_glass_reason_required'],
      [await breakGlass('carol', action, { reason: 'x'.repeat(2001) }), 400, 'break_glass_reason_required'],
      [await breakGlass('carol', action, { request_hash: undefined }), 400, 'validation_failed'],
      [await breakGlass('carol', action, { request_hash: 'f'.repeat(64) }), 403, 'approval_token_invalid'],
      [await breakGlass('carol', action, { reason: 7 }), 400, 'validation_failed'],
      [await breakGlass('carol', action, { extra: true }), 400, 'validation_failed'],
      [await breakGlass('carol', { ...action, id: 'not-an-id' }), 400, 'invalid_id'],
    ] as const;
    expect(refusals.map(([r, status, code]) => [r.statusCode, r.json().error?.code, status, code])).toEqual(
      refusals.map(([, status, code]) => [status, code, status, code]),
    );
    expect((await call('alice', 'GET', `/v1/actions/${action.id}`)).json()).toMatchObject({
      status: 'pending_approval',
      break_glass: null,
    });
  });

  it('never lets the submitter break glass on its own action', async () => {
    const { submit, breakGlass } = await start();
    const own = await submit('carol', { agent_id: 'ops', tool: 'stripe', operation: 'refund', params: { amount: 9 } });
    const response = await breakGlass('carol', own);
    expect([response.statusCode, response.json().error.code]).toEqual([403, 'self_approval_forbidden']);
    expect(response.json().error.details).toEqual({ submitted_by: 'carol' });
  });

  it('only breaks glass on a pending action, and not after its window closed', async () => {
    const { submit, breakGlass, decide, clock } = await start();
    const denied = await submit();
    await decide('alice', denied, false);
    const late = await breakGlass('carol', denied);
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'invalid_transition']);
    const lapsed = await submit();
    clock.now += 31 * 60_000;
    const expired = await breakGlass('carol', lapsed);
    expect([expired.statusCode, expired.json().error.code]).toEqual([409, 'approval_expired']);
  });
});

describe('break-glass review: another approver must acknowledge it', () => {
  it('stays open until someone else acknowledges it, once, as a ledger event', async () => {
    const { submit, breakGlass, acknowledge, reviews, eventTypes, call, clock, server } = await start();
    const action = await submit();
    await breakGlass('carol', action);
    const open = (await reviews('alice')).json();
    expect(open.items).toHaveLength(1);
    expect(open.items[0]).toMatchObject({
      action_id: action.id,
      kind: 'break_glass',
      status: 'open',
      opened_by: 'carol',
      reason: 'payments outage, finance unreachable',
      acknowledged_by: null,
      action: { id: action.id, status: 'approved' },
    });

    const self = await acknowledge('carol', action.id);
    expect([self.statusCode, self.json().error.code]).toEqual([403, 'self_review_forbidden']);
    const agent = await acknowledge('bot', action.id);
    expect([agent.statusCode, agent.json().error.code]).toEqual([403, 'forbidden']);
    expect((await reviews('bot')).statusCode).toBe(403);

    clock.now += 60_000;
    const done = await acknowledge('dave', action.id, 'checked with finance: refund was due');
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'approved',
      break_glass: {
        by: 'carol',
        review: {
          status: 'acknowledged',
          acknowledged_by: 'dave',
          acknowledged_at: '2030-01-01T00:01:00.000Z',
          note: 'checked with finance: refund was due',
        },
      },
    });
    expect(await eventTypes(action.id)).toEqual(['created', 'decision_made', 'approved', 'break_glass_reviewed']);
    const events = (await call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events[3].meta).toEqual({
      by: 'dave',
      role: 'approver',
      note: 'checked with finance: refund was due',
      broken_by: 'carol',
    });

    const again = await acknowledge('alice', action.id);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'review_already_acknowledged']);
    expect(again.json().error.details).toEqual({
      acknowledged_by: 'dave',
      acknowledged_at: '2030-01-01T00:01:00.000Z',
    });
    expect((await reviews('alice')).json().items).toEqual([]);
    expect(
      (await reviews('alice', '?status=acknowledged')).json().items.map((r: { action_id: string }) => r.action_id),
    ).toEqual([action.id]);
    expect((await reviews('alice', '?status=all')).json().items).toHaveLength(1);
    const metrics = await server.app.inject({ url: '/metrics', headers: { authorization: 'Bearer carol-token-0003' } });
    expect(metrics.body).toMatch(/^faramesh_break_glass_reviews_acknowledged_total 1$/m);
  });

  it('answers 404 review_not_found for an action approved the ordinary way, and 400 for bad input', async () => {
    const { submit, decide, acknowledge, reviews, call } = await start();
    const action = await submit();
    await decide('alice', action);
    await decide('bob', action);
    const none = await acknowledge('dave', action.id);
    expect([none.statusCode, none.json().error.code]).toEqual([404, 'review_not_found']);
    const badQuery = await reviews('alice', '?status=closed');
    expect([badQuery.statusCode, badQuery.json().error.code]).toEqual([400, 'validation_failed']);
    const longNote = await call('dave', 'POST', `/v1/reviews/${action.id}/acknowledge`, { note: 'x'.repeat(2001) });
    expect([longNote.statusCode, longNote.json().error.code]).toEqual([400, 'validation_failed']);
  });

  it('keeps break-glass and its review across a restart on the same SQLite file', async () => {
    const file = 'restart.db';
    const first = await start(file);
    const action = await first.submit();
    await first.breakGlass('carol', action);
    await first.server.close();
    harness = undefined;
    const second = await start(file);
    expect((await second.reviews('alice')).json().items.map((r: { action_id: string }) => r.action_id)).toEqual([
      action.id,
    ]);
    expect((await second.acknowledge('alice', action.id)).statusCode).toBe(200);
    const audit = await second.call('carol', 'GET', '/v1/audit/verify');
    expect(audit.json()).toMatchObject({ ok: true });
  });
});

describe('break-glass with one shared identity (open mode)', () => {
  it('lets the one identity break glass and acknowledge, recording that it was the same identity', async () => {
    const server = await startTestServer();
    try {
      const submitted = await server.app.inject({
        method: 'POST',
        url: '/v1/actions',
        payload: { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } },
      });
      const action = submitted.json();
      const broken = await server.app.inject({
        method: 'POST',
        url: `/v1/actions/${action.id}/break-glass`,
        payload: { reason: 'on call, alone', request_hash: action.request_hash },
      });
      expect(broken.json().status).toBe('approved');
      const acked = await server.app.inject({ method: 'POST', url: `/v1/reviews/${action.id}/acknowledge` });
      expect(acked.json().break_glass.review.status).toBe('acknowledged');
      const events = (await server.app.inject({ url: `/v1/actions/${action.id}/events` })).json();
      expect(events.at(-1).meta).toMatchObject({ by: 'anonymous', same_identity: true });
    } finally {
      await server.close();
    }
  });
});
