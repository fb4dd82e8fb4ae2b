import { afterEach, describe, expect, it } from 'vitest';
import { QUORUM_POLICY, startQuorumServer } from './approval-testing.test-support.js';

let harness: Awaited<ReturnType<typeof startQuorumServer>> | undefined;
afterEach(async () => {
  await harness?.server.close();
  harness = undefined;
});

const MINUTE = 60_000;

describe('escalation sweeper', () => {
  it('fires a due step once, without anyone touching the action, and widens who may decide', async () => {
    harness = await startQuorumServer();
    const { server, clock, submit, decide, call, eventTypes } = harness;
    const sweep = () => server.context.escalations.sweep();
    const action = await submit();
    expect(action).toMatchObject({
      escalation_step: 0,
      escalation_steps: 1,
      next_escalation_at: '2030-01-01T00:10:00.000Z',
    });
    expect((await decide('dave', action)).json().error.code).toBe('not_an_approver');

    clock.now += 9 * MINUTE;
    expect(await sweep()).toBe(0);
    clock.now += MINUTE;
    expect(await sweep()).toBe(1);
    expect(await sweep()).toBe(0);

    const events = (await call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    expect(events.map((event: { event_type: string }) => event.event_type)).toEqual([
      'created',
      'decision_made',
      'escalated',
    ]);
    expect(events[2].meta).toEqual({
      step: 1,
      steps: 1,
      fires_at: '2030-01-01T00:10:00.000Z',
      approvers: ['sre'],
      notify: ['user:vp'],
      waiting_for: {
        any_approver: false,
        approvers: ['finance', 'sre'],
        identities: ['alice', 'bob', 'carol', 'dave'],
        runtime_groups: [],
        text: 'finance, sre',
      },
      approvals: [],
      approvals_required: 2,
    });
    expect((await call('alice', 'GET', `/v1/actions/${action.id}`)).json()).toMatchObject({
      escalation_step: 1,
      next_escalation_at: null,
      waiting_for: { text: 'finance, sre' },
    });
    expect((await decide('dave', action)).json()).toMatchObject({
      status: 'pending_approval',
      approvals: [{ by: 'dave' }],
    });
    expect((await decide('alice', action)).json().status).toBe('approved');
    expect(await eventTypes(action.id)).toEqual([
      'created',
      'decision_made',
      'escalated',
      'approval_recorded',
      'approved',
    ]);
  });

  it('records each step exactly once when sweepers race', async () => {
    harness = await startQuorumServer();
    const { server, clock, submit, eventTypes } = harness;
    const actions = await Promise.all(Array.from({ length: 5 }, () => submit()));
    clock.now += 10 * MINUTE;
    const sweeps = await Promise.all(Array.from({ length: 4 }, () => server.context.escalations.sweep()));
    expect(sweeps.reduce((a, b) => a + b, 0)).toBe(5);
    for (const action of actions) {
      expect((await eventTypes(action.id)).filter((type: string) => type === 'escalated')).toHaveLength(1);
    }
  });

  it('records every step a late sweeper missed, in order, in one write', async () => {
    const policy = QUORUM_POLICY.replace(
      '      - after: 10m\n        approvers: [sre]\n        notify: ["user:vp"]',
      '      - after: 10m\n        approvers: [sre]\n      - after: 20m\n        notify: ["user:vp"]',
    );
    harness = await startQuorumServer({ policy });
    const { server, clock, submit, call } = harness;
    const action = await submit();
    clock.now += 25 * MINUTE;
    expect(await server.context.escalations.sweep()).toBe(2);
    const events = (await call('alice', 'GET', `/v1/actions/${action.id}/events`)).json();
    const escalated = events.filter((event: { event_type: string }) => event.event_type === 'escalated');
    expect(escalated.map((event: { meta: { step: number; notify: string[] } }) => event.meta)).toMatchObject([
      { step: 1, approvers: ['sre'], notify: [] },
      { step: 2, approvers: [], notify: ['user:vp'] },
    ]);
    expect(new Set(escalated.map((event: { seq: number }) => event.seq)).size).toBe(2);
    expect((await call('alice', 'GET', `/v1/actions/${action.id}`)).json()).toMatchObject({
      escalation_step: 2,
      escalation_steps: 2,
      next_escalation_at: null,
    });
  });

  it('leaves decided and expired actions alone', async () => {
    harness = await startQuorumServer();
    const { server, clock, submit, decide, eventTypes } = harness;
    const decided = await submit();
    await decide('alice', decided, false);
    const lapsed = await submit();
    clock.now += 31 * MINUTE; // past both the step (10m) and the window (30m)
    expect(await server.context.escalations.sweep()).toBe(0);
    expect(await server.context.service.expireDue()).toBe(1);
    expect(await eventTypes(lapsed.id)).toEqual(['created', 'decision_made', 'expired']);
    expect(await eventTypes(decided.id)).toEqual(['created', 'decision_made', 'denied']);
  });
});
