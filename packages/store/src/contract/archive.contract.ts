import { describe, expect, it } from 'vitest';
import type { ArchiveRecord, LedgerArchiveStore, StoredArchive } from '../ledger-archive.js';
import { GENESIS_HASH } from '../store.js';
import type { ContractScope } from './contract-scope.js';
import { expectStoreError, newEvents, nextTime, sampleAction, sampleMessage } from './fixtures.js';

const TERMINAL = ['denied', 'succeeded', 'failed', 'expired', 'cancelled'];

/**
 * `store.ledger.archive`: the cutoff, the plan, and the one-transaction removal of archived,
 * finished actions (durable adapters; the memory store keeps nothing worth archiving).
 */
export function describeArchiveContract(s: ContractScope): void {
  if (!s.capabilities.durable) return;
  describe('ledger archive', () => {
    const archiveOf = (): LedgerArchiveStore => {
      const archive = s.store.ledger.archive;
      if (archive === undefined) throw new Error('a durable adapter must implement ledger.archive');
      return archive;
    };

    /**
     * Before the cut: a denied action (removable), a pending one (stays), an allowed one that
     * finishes after the cut (stays). After it: one more action.
     */
    async function ledgerWithCut() {
      await s.fresh();
      const denied = await s.create({ status: 'denied', decision: 'deny', tool: 'kubectl' });
      const pending = await s.create({ status: 'pending_approval', approval_token: 'tok' });
      const running = await s.create();
      const cut = nextTime();
      await s.store.transition({
        id: running.action.id,
        expected_version: 1,
        patch: { status: 'succeeded' },
        events: newEvents('started', 'succeeded'),
        at: nextTime(),
      });
      const young = await s.create();
      return { denied, pending, running, young, cut };
    }

    async function recordUpTo(lastSeq: number, before: string): Promise<ArchiveRecord> {
      const archive = archiveOf();
      const previous = await archive.latest();
      const all = await s.allEvents();
      const stretch = all.filter((e) => e.seq > (previous?.last_seq ?? 0) && e.seq <= lastSeq);
      const plan = await archive.plan(lastSeq, TERMINAL);
      const kept = await archive.kept(lastSeq, TERMINAL, 0, 1000);
      return {
        first_seq: (previous?.last_seq ?? 0) + 1,
        last_seq: lastSeq,
        prev_hash: previous?.last_hash ?? GENESIS_HASH,
        last_hash: stretch.at(-1)!.hash,
        event_count: stretch.length,
        first_at: stretch[0]!.created_at,
        last_at: stretch.at(-1)!.created_at,
        ...plan,
        retained_events: kept.length,
        retained_digest: 'd'.repeat(64),
        before,
        archived_at: nextTime(),
        segments: [
          {
            file: 'seg.jsonl',
            first_seq: 1,
            last_seq: lastSeq,
            count: stretch.length,
            bytes: 1,
            sha256: 'e'.repeat(64),
          },
        ],
        key_id: null,
        signature: null,
      };
    }

    /** Archives the ledger after `afterSeq` up to `before`, as the server would (every finished action). */
    async function archiveUpTo(afterSeq: number, before: string): Promise<StoredArchive> {
      const archive = archiveOf();
      return archive.commit({
        record: await recordUpTo(await archive.cutoff(afterSeq, before), before),
        terminal: TERMINAL,
      });
    }

    it('finds the longest run of events created before the cutoff', async () => {
      const { running, cut } = await ledgerWithCut();
      const archive = archiveOf();
      const lastBefore = running.events.at(-1)!.seq;
      expect(await archive.cutoff(0, cut)).toBe(lastBefore);
      expect(await archive.cutoff(2, cut)).toBe(lastBefore);
      expect(await archive.cutoff(lastBefore, cut)).toBe(lastBefore);
      expect(await archive.cutoff(0, '2000-01-01T00:00:00.000Z')).toBe(0);
      expect(await archive.cutoff(0, '2100-01-01T00:00:00.000Z')).toBe((await s.allEvents()).at(-1)!.seq);
    });

    it('plans to remove only finished actions whose every event is archived, and keeps the rest', async () => {
      const { denied, pending, running, cut } = await ledgerWithCut();
      const archive = archiveOf();
      const last = await archive.cutoff(0, cut);
      expect(await archive.plan(last, TERMINAL)).toEqual({ removed_actions: 1, removed_events: 2 });
      const kept = await archive.kept(last, TERMINAL, 0, 100);
      expect(kept.map((k) => k.action_id)).toEqual([
        pending.action.id,
        pending.action.id,
        running.action.id,
        running.action.id,
      ]);
      expect(kept.map((k) => k.seq)).toEqual([...pending.events, ...running.events].map((e) => e.seq));
      expect((await archive.kept(last, TERMINAL, kept[1]!.seq, 1)).map((k) => k.seq)).toEqual([kept[2]!.seq]);
      expect(kept.some((k) => k.action_id === denied.action.id)).toBe(false);
    });

    it('removes the archived finished actions in one commit and records the archive, keeping seqs unique', async () => {
      const { denied, pending, running, young, cut } = await ledgerWithCut();
      const archive = archiveOf();
      const record = await recordUpTo(await archive.cutoff(0, cut), cut);
      const stored = await archive.commit({ record, terminal: TERMINAL });
      expect(stored).toEqual({ id: expect.any(Number), ...record });
      expect(await s.store.getAction(denied.action.id)).toBeNull();
      for (const kept of [pending, running, young]) expect(await s.store.getAction(kept.action.id)).not.toBeNull();
      expect((await s.store.listEvents(pending.action.id)).map((e) => e.seq)).toEqual(pending.events.map((e) => e.seq));
      expect(await s.store.ledger.count()).toEqual({ events: 8, actions: 3 });
      expect((await s.store.listActions({ filter: {}, limit: 10 })).total).toBe(3);
      expect((await s.store.listActions({ filter: { status: 'denied' }, limit: 10 })).total).toBe(0);
      expect((await s.store.listActions({ filter: { q: 'kubectl' }, limit: 10 })).total).toBe(0);
      // The search index still finds the actions that stay (its entries were removed, not damaged).
      expect((await s.store.listActions({ filter: { q: 'ls -la' }, limit: 10 })).total).toBe(3);
      expect(await s.store.countByStatus()).not.toHaveProperty('denied');
      expect(await archive.latest()).toEqual(stored);
      expect(await archive.list(0, 10)).toEqual([stored]);
      expect((await s.store.ledger.state()).oldest_seq).toBe(pending.events[0]!.seq);

      const reopened = await s.opened!.reopen!();
      s.store = reopened;
      expect(await reopened.ledger.archive!.latest()).toEqual(stored);
      const next = await reopened.createAction({
        action: { ...young.action, id: crypto.randomUUID(), created_at: nextTime() },
        events: newEvents('created'),
      });
      expect(next.events[0]!.seq).toBe(young.events.at(-1)!.seq + 1);
    });

    it('archives the whole ledger, and the next archive continues from the last one', async () => {
      const { pending, cut } = await ledgerWithCut();
      const archive = archiveOf();
      const first = await archiveUpTo(0, cut);
      const head = (await s.allEvents()).at(-1)!.seq;
      const all = '2100-01-01T00:00:00.000Z';
      const second = await archiveUpTo(first.last_seq, all);
      expect(second).toMatchObject({ first_seq: first.last_seq + 1, last_seq: head, prev_hash: first.last_hash });
      // Left: the actions not finished (pending, and the young allowed one), with their whole history.
      expect(await s.store.ledger.count()).toEqual({ events: 4, actions: 2 });
      expect((await s.store.listEvents(pending.action.id)).length).toBe(2);
      expect(await archive.latest()).toEqual(second);
    });

    it('keeps the finished action of a standing grant until the grant ends, then removes it and keeps the grant', async () => {
      await s.fresh();
      const origin = (await s.create({ status: 'pending_approval', decision: 'require_approval', approval_token: 't' }))
        .action;
      const grantId = crypto.randomUUID();
      const madeAt = nextTime();
      const grant = {
        id: grantId,
        action_id: origin.id,
        tool: 'shell',
        operation: 'run',
        scope: { tool: 'shell', operation: 'run', agent_id: 'agent-1', params: { cmd: { command: 'ls -la' } } },
        high_risk: false,
        creators: [{ name: 'alice', groups: [], may_grant_high_risk: false }],
        created_at: madeAt,
        expires_at: '2100-01-01T00:00:00.000Z',
        max_uses: null,
      };
      const approved = await s.store.transition({
        id: origin.id,
        expected_version: 1,
        patch: { status: 'approved' },
        events: newEvents('approved', 'grant_created'),
        at: madeAt,
        grant: { kind: 'create', grant },
      });
      const finished = await s.store.transition({
        id: origin.id,
        expected_version: approved.action.version,
        patch: { status: 'succeeded' },
        events: newEvents('started', 'succeeded'),
        at: nextTime(),
      });
      const cut = nextTime();
      const first = await archiveUpTo(0, cut);
      expect(first).toMatchObject({ removed_actions: 0, removed_events: 0, retained_events: 6 });
      // The grant's revocation is a ledger event on that action: it must still be there to take it.
      const revokedAt = nextTime();
      await s.store.transition({
        id: origin.id,
        expected_version: finished.action.version,
        patch: {},
        events: newEvents('grant_revoked'),
        at: revokedAt,
        grant: { kind: 'revoke', id: grantId, at: revokedAt, by: 'alice', reason: null },
      });
      const later = nextTime();
      const second = await archiveUpTo(first.last_seq, later);
      expect(second).toMatchObject({ removed_actions: 1, removed_events: 7, retained_events: 0 });
      expect(await s.store.getAction(origin.id)).toBeNull();
      expect(await s.store.grants.get(grantId)).toMatchObject({ action_id: origin.id, revoked_by: 'alice' });
    });

    it("removes a removed action's shadow disagreement and Slack message with it, and keeps those of the rest", async () => {
      await s.fresh();
      const shadowOf = (action: { id: string; created_at: string }) => ({
        action_id: action.id,
        created_at: action.created_at,
        kind: 'decision',
        active_decision: 'deny',
        active_rule: null,
        active_policy_hash: 'a'.repeat(64),
        shadow_decision: 'allow',
        shadow_rule: null,
        shadow_reason: null,
        shadow_reason_code: 'rule_allow',
        shadow_risk_level: 'low',
        shadow_policy_hash: 'c'.repeat(64),
      });
      const denied = sampleAction({ status: 'denied', decision: 'deny', created_at: nextTime() });
      const pending = sampleAction({ status: 'pending_approval', approval_token: 't', created_at: nextTime() });
      for (const action of [denied, pending]) {
        await s.store.createAction({ action, events: newEvents('created'), shadow: shadowOf(action) });
        await s.store.slackMessages?.add(
          { channel: 'ops-slack', action_id: action.id, slack_channel: 'C0123', ts: '1.2', rendered_version: 1 },
          nextTime(),
        );
      }
      const cut = nextTime();
      await archiveUpTo(0, cut);
      expect((await s.store.shadow.forActions([denied.id, pending.id])).map((d) => d.action_id)).toEqual([pending.id]);
      expect(await s.store.slackMessages?.get('ops-slack', denied.id)).toBeNull();
      expect(await s.store.slackMessages?.get('ops-slack', pending.id)).not.toBeNull();
    });

    it("removes a removed action's delivered and dead notifications with it, and keeps one still waiting to be sent", async () => {
      await s.fresh();
      const { outbox } = s.store;
      if (outbox === undefined) return;
      const withMessages = async (status: 'denied' | 'pending_approval', count: number) => {
        const action = sampleAction(
          status === 'denied'
            ? { status, decision: 'deny', created_at: nextTime() }
            : { status, approval_token: 't', created_at: nextTime() },
        );
        const messages = Array.from({ length: count }, (_, n) =>
          sampleMessage({ action_id: action.id, payload: { type: 'action.denied', data: { n } } }),
        );
        await s.store.createAction({ action, events: newEvents('created'), notifications: messages });
        return { action, ids: messages.map((m) => m.id) };
      };
      const denied = await withMessages('denied', 4);
      const pending = await withMessages('pending_approval', 1);
      await outbox.claim({ owner: 'w', at: nextTime(), lease_expires_at: '2100-01-01T00:00:00.000Z', limit: 10 });
      // One delivered, one dead, two still leased (being sent) when the archive runs.
      const [delivered, dead, inFlight, retried] = denied.ids as [string, string, string, string];
      expect(await outbox.complete(delivered, 'w', nextTime())).toBe(true);
      expect(await outbox.fail(dead, 'w', { at: nextTime(), error: 'HTTP 500', retry_at: null })).toBe(true);
      const cut = nextTime();
      const record = await archiveUpTo(0, cut);
      expect(record).toMatchObject({ removed_actions: 1, removed_events: 1, retained_events: 1 });
      expect(await s.store.getAction(denied.action.id)).toBeNull();
      expect(await outbox.get(delivered)).toBeNull();
      expect(await outbox.get(dead)).toBeNull();
      // The messages being sent stay, and their outcomes are still recorded: one that ends goes then
      // (as the archive removes ended ones), one to be retried stays queued until it ends too.
      expect((await outbox.get(inFlight))?.status).toBe('queued');
      expect(await outbox.complete(inFlight, 'w', nextTime())).toBe(true);
      expect(await outbox.get(inFlight)).toBeNull();
      const soon = nextTime();
      expect(await outbox.fail(retried, 'w', { at: nextTime(), error: 'HTTP 503', retry_at: soon })).toBe(true);
      expect(await outbox.get(retried)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'HTTP 503' });
      const [again] = await outbox.claim({
        owner: 'w2',
        at: nextTime(),
        lease_expires_at: '2100-01-01T00:00:00.000Z',
        limit: 1,
      });
      expect(again?.id).toBe(retried);
      expect(await outbox.fail(retried, 'w', { at: nextTime(), error: 'stale owner', retry_at: null })).toBe(false);
      expect(await outbox.fail(retried, 'w2', { at: nextTime(), error: 'HTTP 500', retry_at: null })).toBe(true);
      expect(await outbox.get(retried)).toBeNull();
      // Sent again (a lease that ran out), it is no longer there to record.
      expect(await outbox.complete(inFlight, 'w', nextTime())).toBe(false);
      // The pending action and its message stay.
      expect(await s.store.getAction(pending.action.id)).not.toBeNull();
      expect((await outbox.get(pending.ids[0]!))?.status).toBe('queued');
    });

    it('refuses an archive that does not continue the newest one, or whose counts changed, and removes nothing', async () => {
      const { cut } = await ledgerWithCut();
      const archive = archiveOf();
      const record = await recordUpTo(await archive.cutoff(0, cut), cut);
      const before = await s.store.ledger.count();
      await expectStoreError(
        archive.commit({ record: { ...record, first_seq: 2 }, terminal: TERMINAL }),
        'version_conflict',
      );
      await expectStoreError(
        archive.commit({ record: { ...record, removed_events: 1 }, terminal: TERMINAL }),
        'version_conflict',
      );
      await expectStoreError(
        archive.commit({ record: { ...record, retained_events: 0 }, terminal: TERMINAL }),
        'version_conflict',
      );
      await expectStoreError(
        archive.commit({ record: { ...record, last_seq: 99 }, terminal: TERMINAL }),
        'version_conflict',
      );
      expect(await s.store.ledger.count()).toEqual(before);
      expect(await archive.latest()).toBeNull();
      await archive.commit({ record, terminal: TERMINAL });
      await expectStoreError(archive.commit({ record, terminal: TERMINAL }), 'version_conflict');
    });

    it('removes nothing when the commit fails between its deletes', async () => {
      const { denied, cut } = await ledgerWithCut();
      const archive = archiveOf();
      const record = await recordUpTo(await archive.cutoff(0, cut), cut);
      const before = await s.store.ledger.count();
      for (const step of ['events_deleted', 'actions_deleted'] as const) {
        const failing = archive.commit({
          record,
          terminal: TERMINAL,
          onStep: (at) => {
            if (at === step) throw new Error(`stopped at ${at}`);
          },
        });
        await expect(failing).rejects.toThrow();
        expect(await s.store.ledger.count()).toEqual(before);
        expect(await s.store.getAction(denied.action.id)).not.toBeNull();
        expect(await archive.latest()).toBeNull();
      }
      expect((await s.store.listActions({ filter: { q: 'kubectl' }, limit: 10 })).total).toBe(1);
    });
  });
}
