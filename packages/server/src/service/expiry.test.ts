import { describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

describe('approval expiry', () => {
  it('expires a pending approval after its window, records it, and refuses a late approval', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const server = await startTestServer({ env: { FARAMESH_APPROVAL_TTL: '60' }, now: () => new Date(now) });
    try {
      const action = (
        await server.app.inject({
          method: 'POST',
          url: '/v1/actions',
          payload: { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } },
        })
      ).json();
      expect(action.approval_expires_at).toBe('2026-01-01T00:01:00.000Z');
      now += 61_000;
      const late = await server.app.inject({
        method: 'POST',
        url: `/v1/actions/${action.id}/approval`,
        payload: { token: action.approval_token, approve: true },
      });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('approval_expired');
      const final = (await server.app.inject({ url: `/v1/actions/${action.id}` })).json();
      expect(final.status).toBe('expired');
      const events = (await server.app.inject({ url: `/v1/actions/${action.id}/events` })).json();
      expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made', 'expired']);
    } finally {
      await server.close();
    }
  });

  it('sweeps due approvals without anyone touching them', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const server = await startTestServer({ env: { FARAMESH_APPROVAL_TTL: '5' }, now: () => new Date(now) });
    try {
      const payload = { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } };
      const a = (await server.app.inject({ method: 'POST', url: '/v1/actions', payload })).json();
      expect(await server.context.service.expireDue()).toBe(0);
      now += 6_000;
      expect(await server.context.service.expireDue()).toBe(1);
      expect((await server.app.inject({ url: `/v1/actions/${a.id}` })).json().status).toBe('expired');
    } finally {
      await server.close();
    }
  });
});
