import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startQuorumServer } from './approval-testing.test-support.js';

const POLICY = `
rules:
  - match: { tool: shell }
    require_approval: true
    description: Shell needs one approver
`;
const LS = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } };
const SCOPE = { tool: 'shell', operation: 'run', agent_id: 'bot', params: { cmd: { command: 'ls -la /tmp' } } };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A server on a SQLite file holding a live grant whose action is gone, as an archive made before
 * archiving kept such actions left it: the action row deleted behind the server's back.
 */
async function withOrphanGrant() {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-orphan-grant-'));
  const path = join(dir, 'archived.db');
  const h = await startQuorumServer({ policy: POLICY, store: createSqliteStore({ path }) });
  cleanups.push(async () => {
    await h.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = await h.submit('bot', LS);
  const approved = await h.call('alice', 'POST', `/v1/actions/${first.id}/approval`, {
    token: first.approval_token,
    approve: true,
    grant: { scope: SCOPE, ttl: '1h' },
  });
  expect(approved.statusCode).toBe(200);
  const [grant] = (await h.call('alice', 'GET', '/v1/grants')).json().items;
  const raw = new Database(path);
  expect(raw.prepare('DELETE FROM actions WHERE id = ?').run(first.id).changes).toBe(1);
  raw.close();
  expect((await h.call('alice', 'GET', `/v1/actions/${first.id}`)).statusCode).toBe(404);
  return { h, grant, origin: first.id };
}

/** The actions the server recorded for grant changes, with their ledger events. */
async function records(h: Awaited<ReturnType<typeof withOrphanGrant>>['h']) {
  const page = (await h.call('alice', 'GET', '/v1/actions?tool=faramesh')).json();
  return Promise.all(
    page.items.map(async (a: { id: string }) => ({
      action: (await h.call('alice', 'GET', `/v1/actions/${a.id}`)).json(),
      events: (await h.call('alice', 'GET', `/v1/actions/${a.id}/events`)).json(),
    })),
  );
}

describe('a grant whose action was archived away', () => {
  it('is revoked, with its grant_revoked event on an action recorded for it', async () => {
    const { h, grant, origin } = await withOrphanGrant();
    expect((await h.call('bot', 'POST', '/v1/actions', LS)).json()).toMatchObject({ reason_code: 'grant' });
    const revoked = await h.call('erin', 'POST', `/v1/grants/${grant.id}/revoke`, { reason: 'old archive' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ state: 'revoked', revoked_by: 'erin', revoke_reason: 'old archive' });
    expect((await h.call('bot', 'POST', '/v1/actions', LS)).json()).toMatchObject({ status: 'pending_approval' });
    const [record, ...more] = await records(h);
    expect(more).toEqual([]);
    expect(record.action).toMatchObject({
      agent_id: 'erin',
      tool: 'faramesh',
      operation: 'grant.revoke',
      params: { grant_id: grant.id, grant_action_id: origin },
      status: 'succeeded',
      reason_code: 'admin_action',
      submitted_by: 'erin',
    });
    expect(record.events.map((e: { event_type: string }) => e.event_type)).toEqual([
      'created',
      'decision_made',
      'started',
      'grant_revoked',
      'succeeded',
    ]);
    expect(record.events[3].meta).toMatchObject({ grant_id: grant.id, by: 'erin', archived_action_id: origin });
    // Revoking again changes nothing and records nothing more.
    expect((await h.call('alice', 'POST', `/v1/grants/${grant.id}/revoke`, {})).json()).toMatchObject({
      revoked_by: 'erin',
    });
    expect(await records(h)).toHaveLength(1);
  });

  it('has its expiry recorded once, on an action recorded for it', async () => {
    const { h, grant } = await withOrphanGrant();
    h.clock.now += 60 * 60_000;
    expect(await h.server.context.grants.expireDue()).toBe(1);
    expect(await h.server.context.grants.expireDue()).toBe(0);
    const [record, ...more] = await records(h);
    expect(more).toEqual([]);
    expect(record.action).toMatchObject({ agent_id: 'faramesh', operation: 'grant.expire', status: 'succeeded' });
    expect(record.events.map((e: { event_type: string }) => e.event_type)).toContain('grant_expired');
    const shown = (await h.call('alice', 'GET', `/v1/grants/${grant.id}`)).json();
    expect(shown.state).toBe('expired');
  });
});
