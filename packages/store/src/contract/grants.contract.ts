import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewGrant } from '../grants/grant-store.js';
import type { LimitGate } from '../limit-usage.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, sampleAction } from './fixtures.js';

const T = (second: number) => new Date(Date.UTC(2031, 0, 1, 0, 0, second)).toISOString();

function grantFor(actionId: string, overrides: Partial<NewGrant> = {}): NewGrant {
  return {
    id: randomUUID(),
    action_id: actionId,
    tool: 'shell',
    operation: 'run',
    scope: { tool: 'shell', operation: 'run', agent_id: 'agent-1', params: { cmd: { command: 'ls -la' } } },
    high_risk: false,
    creators: [{ name: 'alice', groups: ['finance'], may_grant_high_risk: false }],
    created_at: T(0),
    expires_at: T(100),
    max_uses: 2,
    ...overrides,
  };
}

/** `store.grants`: made, used, revoked and expired only together with a ledger event; uses never exceed max_uses. */
export function describeGrantsContract(s: ContractScope): void {
  describe('standing grants', () => {
    /** An approved action and a grant made with its approval (one transition, one event). */
    async function granted(overrides: Partial<NewGrant> = {}) {
      const origin = (await s.create({ status: 'pending_approval', decision: 'require_approval', created_at: T(0) }))
        .action;
      const grant = grantFor(origin.id, overrides);
      const approved = await s.store.transition({
        id: origin.id,
        expected_version: 1,
        patch: { status: 'approved' },
        events: newEvents('approved', 'grant_created'),
        at: T(1),
        grant: { kind: 'create', grant },
      });
      return { origin: approved.action, grant };
    }

    function useIt(grantId: string, at: string, overrides = {}) {
      return s.store.createAction({
        action: sampleAction({ created_at: at, grant_id: grantId, reason_code: 'grant', ...overrides }),
        events: newEvents('created', 'decision_made', 'grant_used'),
        grant_use: { id: grantId, at },
      });
    }

    it('stores a grant made with a transition, readable by id, by action and as live', async () => {
      await s.fresh();
      const { origin, grant } = await granted();
      const stored = await s.store.grants.get(grant.id);
      expect(stored).toEqual({
        ...grant,
        uses: 0,
        last_used_at: null,
        revoked_at: null,
        revoked_by: null,
        revoke_reason: null,
        expiry_recorded_at: null,
      });
      expect(await s.store.grants.list({ action_id: origin.id, limit: 10 })).toEqual([stored]);
      expect(await s.store.grants.live('shell', 'run', T(50), 10)).toEqual([stored]);
      expect(await s.store.grants.live('shell', 'other', T(50), 10)).toEqual([]);
      expect(await s.store.grants.get(randomUUID())).toBeNull();
      const events = await s.store.listEvents(origin.id);
      expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'approved', 'grant_created']);
    });

    it('writes nothing of a transition whose grant already exists', async () => {
      await s.fresh();
      const { origin, grant } = await granted();
      await expectStoreError(
        s.store.transition({
          id: origin.id,
          expected_version: origin.version,
          patch: {},
          events: newEvents('grant_created'),
          at: T(2),
          grant: { kind: 'create', grant },
        }),
        'invalid_input',
      );
      expect((await s.store.getAction(origin.id))?.version).toBe(origin.version);
    });

    it('counts each use with the action it allowed, and names the grant on the action', async () => {
      await s.fresh();
      const { grant } = await granted();
      const used = await useIt(grant.id, T(10));
      expect(used.action.grant_id).toBe(grant.id);
      expect((await s.store.getAction(used.action.id))?.grant_id).toBe(grant.id);
      expect(used.events.at(-1)?.action.grant_id).toBe(grant.id);
      expect(await s.store.grants.get(grant.id)).toMatchObject({ uses: 1, last_used_at: T(10) });
    });

    it('refuses a use past max_uses and writes nothing of that action', async () => {
      await s.fresh();
      const { grant } = await granted({ max_uses: 2 });
      await useIt(grant.id, T(10));
      await useIt(grant.id, T(11));
      const third = sampleAction({ created_at: T(12), grant_id: grant.id });
      await expectStoreError(
        s.store.createAction({ action: third, events: newEvents('created'), grant_use: { id: grant.id, at: T(12) } }),
        'grant_unavailable',
      );
      expect(await s.store.getAction(third.id)).toBeNull();
      expect((await s.store.grants.get(grant.id))?.uses).toBe(2);
      expect(await s.store.grants.live('shell', 'run', T(12), 10)).toEqual([]);
    });

    it('never counts more than max_uses among concurrent uses', async () => {
      await s.fresh();
      const { grant } = await granted({ max_uses: 3 });
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => useIt(grant.id, T(20 + (i % 3)))));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'grant_unavailable' });
      }
      expect((await s.store.grants.get(grant.id))?.uses).toBe(3);
    });

    it('lets a limit gate decide whether the grant is used: kept within the limit, dropped over it', async () => {
      await s.fresh();
      const { grant } = await granted({ max_uses: 5 });
      // A granted call on a limited rule: allowed (and counted, using the grant) while the bucket
      // has room, else written as the over-limit decision without touching the grant.
      const gatedUse = (at: string, max: number) => {
        const action = sampleAction({ created_at: at, grant_id: grant.id, reason_code: 'grant' });
        const grant_use = { id: grant.id, at };
        const gate: LimitGate = {
          key: 'k'.repeat(64),
          since: T(0),
          decide(used) {
            if (used + 1 <= max) return { action, events: newEvents('created', 'decision_made'), grant_use, amount: 1 };
            const { grant_id: _unused, ...rest } = action;
            const over = { ...rest, status: 'denied', decision: 'deny', reason_code: 'limit_reached' } as const;
            return { action: over, events: newEvents('created', 'decision_made'), amount: 1 };
          },
        };
        return s.store.createAction({ action, events: newEvents('created', 'decision_made'), grant_use, limit: gate });
      };
      const results = await Promise.all([10, 11, 12, 13].map((second) => gatedUse(T(second), 2)));
      expect(results.map((r) => r.action.status).sort()).toEqual(['allowed', 'allowed', 'denied', 'denied']);
      for (const r of results) {
        expect(r.action.grant_id ?? null).toBe(r.action.status === 'allowed' ? grant.id : null);
      }
      expect(await s.store.grants.get(grant.id)).toMatchObject({ uses: 2 });
      expect(await s.store.limitUsage('k'.repeat(64), T(0))).toBe(2);
    });

    it('refuses a limit gate that names another grant than the write', async () => {
      await s.fresh();
      const { grant } = await granted({ max_uses: 5 });
      const other = await granted({ max_uses: 5 });
      const action = sampleAction({ created_at: T(10), grant_id: grant.id, reason_code: 'grant' });
      const gate: LimitGate = {
        key: 'k'.repeat(64),
        since: T(0),
        decide: () => ({
          action,
          events: newEvents('created', 'decision_made'),
          grant_use: { id: other.grant.id, at: T(10) },
          amount: 1,
        }),
      };
      await expectStoreError(
        s.store.createAction({
          action,
          events: newEvents('created'),
          grant_use: { id: grant.id, at: T(10) },
          limit: gate,
        }),
        'invalid_input',
      );
      expect(await s.store.getAction(action.id)).toBeNull();
      expect((await s.store.grants.get(other.grant.id))?.uses).toBe(0);
      expect((await s.store.grants.get(grant.id))?.uses).toBe(0);
    });

    it('refuses uses after expiry, of unknown grants, and leaves an idempotent repeat uncounted', async () => {
      await s.fresh();
      const { grant } = await granted({ max_uses: null });
      await expectStoreError(useIt(grant.id, T(100)), 'grant_unavailable');
      await expectStoreError(useIt(randomUUID(), T(10)), 'grant_unavailable');
      const first = await useIt(grant.id, T(10), { idempotency_key: 'k-1', submitted_by: 'bot' });
      const again = await useIt(grant.id, T(11), { idempotency_key: 'k-1', submitted_by: 'bot' });
      expect(again).toMatchObject({ created: false, action: { id: first.action.id } });
      expect((await s.store.grants.get(grant.id))?.uses).toBe(1);
    });

    it('revokes once: the first revocation stands and later uses are refused', async () => {
      await s.fresh();
      const { origin, grant } = await granted();
      const revoke = (by: string, version: number) =>
        s.store.transition({
          id: origin.id,
          expected_version: version,
          patch: {},
          events: newEvents('grant_revoked'),
          at: T(30),
          grant: { kind: 'revoke', id: grant.id, at: T(30), by, reason: `by ${by}` },
        });
      const done = await revoke('carol', origin.version);
      await expectStoreError(revoke('dave', done.action.version), 'grant_unavailable');
      expect(await s.store.grants.get(grant.id)).toMatchObject({
        revoked_at: T(30),
        revoked_by: 'carol',
        revoke_reason: 'by carol',
      });
      await expectStoreError(useIt(grant.id, T(31)), 'grant_unavailable');
      expect((await s.store.listEvents(origin.id)).at(-1)?.event_type).toBe('grant_revoked');
      expect((await s.store.getAction(origin.id))?.version).toBe(done.action.version);
    });

    it('lists expired grants until their expiry is recorded, exactly once', async () => {
      await s.fresh();
      const { origin, grant } = await granted();
      expect(await s.store.grants.dueExpiry(T(99), 10)).toEqual([]);
      expect((await s.store.grants.dueExpiry(T(100), 10)).map((g) => g.id)).toEqual([grant.id]);
      const record = (version: number, at: string) =>
        s.store.transition({
          id: origin.id,
          expected_version: version,
          patch: {},
          events: newEvents('grant_expired'),
          at,
          grant: { kind: 'record_expiry', id: grant.id, at },
        });
      await expectStoreError(record(origin.version, T(99)), 'grant_unavailable');
      const done = await record(origin.version, T(101));
      await expectStoreError(record(done.action.version, T(102)), 'grant_unavailable');
      expect(await s.store.grants.dueExpiry(T(200), 10)).toEqual([]);
      expect((await s.store.grants.get(grant.id))?.expiry_recorded_at).toBe(T(101));
    });

    it('lists newest first with keyset paging, optionally only live ones', async () => {
      await s.fresh();
      const a = (await granted({ created_at: T(1) })).grant;
      const b = (await granted({ created_at: T(2), max_uses: 1 })).grant;
      const c = (await granted({ created_at: T(3) })).grant;
      await useIt(b.id, T(10));
      const ids = async (input: Parameters<typeof s.store.grants.list>[0]) =>
        (await s.store.grants.list(input)).map((g) => g.id);
      expect(await ids({ limit: 10 })).toEqual([c.id, b.id, a.id]);
      expect(await ids({ limit: 1, after: c.id })).toEqual([b.id]);
      expect(await ids({ limit: 10, live_at: T(11) })).toEqual([c.id, a.id]);
      expect(await ids({ limit: 10, after: randomUUID() })).toEqual([]);
    });

    if (s.capabilities.durable) {
      it('keeps grants and their uses across a reopen', async () => {
        await s.fresh();
        const { grant } = await granted();
        await useIt(grant.id, T(10));
        if (!s.opened?.reopen) throw new Error(`${s.name} is durable but gives no reopen()`);
        s.store = await s.opened.reopen();
        expect(await s.store.grants.get(grant.id)).toMatchObject({ id: grant.id, uses: 1 });
      });
    }
  });
}
