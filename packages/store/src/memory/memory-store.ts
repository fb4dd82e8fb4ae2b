import { canonicalJson } from '@faramesh/canonical';
import { applyPatch } from '../apply-patch.js';
import { createdRecord } from '../created-record.js';
import { createMemoryEmailLinks } from '../email-links/memory-email-links.js';
import { createMemoryGrants } from '../grants/memory-grants.js';
import { eventHash } from '../hash-chain.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import { resolveGate } from '../limit-usage.js';
import { createMemoryOutbox } from '../outbox/memory-outbox.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { createMemorySessions } from '../sessions/memory-sessions.js';
import { createMemorySettings } from '../settings/memory-settings.js';
import { createMemoryShadow } from '../shadow/memory-shadow.js';
import { createMemorySlackMessages } from '../slack/memory-slack-messages.js';
import {
  type ActionRecord,
  type CreateActionInput,
  type CreateActionResult,
  type EventRecord,
  type EventStreamFilter,
  GENESIS_HASH,
  type ListInput,
  type ListResult,
  type NewEvent,
  type Store,
  StoreError,
  type TransitionInput,
  type TransitionResult,
} from '../store.js';
import { normalizeJson, validateCreate, validateTransition } from '../validate-input.js';
import { matchesFilter, newestFirst } from './action-filter.js';
import { createMemoryLedger } from './memory-ledger.js';
import { MemoryLimitUsage } from './memory-limit-usage.js';
import { createMemoryTokens } from './memory-tokens.js';

/**
 * A Store kept in process memory, for tests and `--db memory` demos. Same semantics as the SQL
 * adapters (CAS, idempotency, hash chain); every record is copied in and out so callers can't
 * mutate stored state through a reference they hold.
 */
export function createMemoryStore(): Store {
  const actions = new Map<string, ActionRecord>();
  const eventsByAction = new Map<string, EventRecord[]>();
  const eventIds = new Set<string>();
  const ledger: EventRecord[] = [];
  /** Keyed by JSON [submitted_by, idempotency_key] so that a null submitter is one scope, distinct from ''. */
  const idempotency = new Map<string, string>();
  let migrated = 0;
  let closed = false;

  const open = (): void => {
    if (closed) throw new StoreError('unavailable', 'the store is closed');
  };
  const outbox = createMemoryOutbox(open);
  const shadow = createMemoryShadow(open, (since, until) => {
    let count = 0;
    for (const action of actions.values()) if (action.created_at >= since && action.created_at < until) count += 1;
    return count;
  });
  const grants = createMemoryGrants(open);
  const limitUsage = new MemoryLimitUsage();

  const append = (actionId: string, newEvents: NewEvent[], at: string, action: ActionRecord): EventRecord[] => {
    for (const event of newEvents) {
      if (eventIds.has(event.id)) throw new StoreError('invalid_input', `event id ${event.id} already exists`);
    }
    const snapshot = ledgerSnapshot(action);
    const appended: EventRecord[] = [];
    for (const event of newEvents) {
      const prevHash = ledger.at(-1)?.hash ?? GENESIS_HASH;
      const fields = { id: event.id, action_id: actionId, event_type: event.event_type, meta: event.meta };
      const hashed = { ...fields, created_at: at, action: snapshot };
      const record: EventRecord = {
        seq: ledger.length + 1,
        ...hashed,
        prev_hash: prevHash,
        hash: eventHash(prevHash, hashed),
      };
      const stored = normalizeJson(record);
      ledger.push(stored);
      eventIds.add(event.id);
      const list = eventsByAction.get(actionId) ?? [];
      list.push(stored);
      eventsByAction.set(actionId, list);
      appended.push(stored);
    }
    return appended;
  };

  /** Actions in `status` whose approval_expires_at <= at, oldest first (by deadline, then id). */
  const listExpired = (status: string, at: string, limit: number): ActionRecord[] => {
    open();
    const due = [...actions.values()].filter(
      (a) => a.status === status && a.approval_expires_at !== null && a.approval_expires_at <= at,
    );
    const key = (a: ActionRecord): string => `${a.approval_expires_at}\u0000${a.id}`;
    return due
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .slice(0, Math.max(0, limit))
      .map((a) => structuredClone(a));
  };

  const copyEvents = (events: EventRecord[] | undefined): EventRecord[] => structuredClone(events ?? []);

  return {
    async migrate() {
      open();
      const from = migrated;
      migrated = SCHEMA_VERSION;
      return { from, to: migrated };
    },

    async createAction(input: CreateActionInput): Promise<CreateActionResult> {
      open();
      const json = validateCreate(input);
      const { action: newAction } = input;
      const scope = JSON.stringify([newAction.submitted_by, newAction.idempotency_key]);
      if (newAction.idempotency_key !== null) {
        const existingId = idempotency.get(scope);
        const existing = existingId === undefined ? undefined : actions.get(existingId);
        if (existing) {
          return {
            action: structuredClone(existing),
            events: copyEvents(eventsByAction.get(existing.id)),
            created: false,
          };
        }
      }
      if (actions.has(newAction.id)) throw new StoreError('invalid_input', `action id ${newAction.id} already exists`);
      const gate = input.limit;
      const resolved =
        gate === undefined ? null : resolveGate(input, json, gate, limitUsage.used(gate.key, gate.since));
      const chosen = resolved?.input ?? input;
      // The gate decided whether the grant is used (not over the limit); one that can't be fails here.
      const commitGrant = chosen.grant_use === undefined ? undefined : grants.stage(chosen.grant_use);
      const action = normalizeJson(createdRecord(chosen.action));
      const events = append(action.id, chosen.events, action.created_at, action);
      commitGrant?.();
      if (chosen.notifications?.length) outbox.insert(chosen.notifications, action.created_at);
      if (chosen.shadow !== undefined) shadow.insert(chosen.shadow);
      if (resolved?.row) limitUsage.record(resolved.row);
      actions.set(action.id, action);
      if (action.idempotency_key !== null) idempotency.set(scope, action.id);
      return { action: structuredClone(action), events: copyEvents(events), created: true };
    },

    async getAction(id) {
      open();
      const action = actions.get(id);
      return action ? structuredClone(action) : null;
    },

    async findByIdPrefix(prefix, limit) {
      open();
      return [...actions.values()]
        .filter((action) => action.id.startsWith(prefix))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, Math.max(0, limit))
        .map((action) => structuredClone(action));
    },

    async listActions(input: ListInput): Promise<ListResult> {
      open();
      const matching = [...actions.values()].filter((action) => matchesFilter(action, input.filter)).sort(newestFirst);
      const { after } = input;
      const start = after
        ? matching.findIndex(
            (a) => a.created_at < after.created_at || (a.created_at === after.created_at && a.id < after.id),
          )
        : (input.offset ?? 0);
      const items = start < 0 ? [] : matching.slice(start, start + Math.max(0, input.limit));
      const maxBytes = input.maxBytes ?? Number.POSITIVE_INFINITY;
      let bytes = 0;
      const kept = items.findIndex((action) => {
        bytes += canonicalJson(action.params).length + canonicalJson(action.context).length;
        return bytes >= maxBytes;
      });
      if (kept === -1 || kept === items.length - 1) return { items: structuredClone(items), total: matching.length };
      return { items: structuredClone(items.slice(0, kept + 1)), total: matching.length, truncated: true };
    },

    async transition(input: TransitionInput): Promise<TransitionResult> {
      open();
      validateTransition(input);
      const current = actions.get(input.id);
      if (!current) throw new StoreError('not_found', `action ${input.id} not found`);
      if (current.version !== input.expected_version) {
        throw new StoreError(
          'version_conflict',
          `action ${input.id} is at version ${current.version}, expected ${input.expected_version}`,
        );
      }
      const next = normalizeJson(applyPatch(current, input.patch, input.at));
      const commitGrant = input.grant === undefined ? undefined : grants.stage(input.grant);
      const events = append(next.id, input.events, input.at, next);
      commitGrant?.();
      if (input.notifications?.length) outbox.insert(input.notifications, input.at);
      limitUsage.transitioned(next.id, current.status, next.status, input.at);
      actions.set(next.id, next);
      return { action: structuredClone(next), events: copyEvents(events) };
    },

    async listEvents(actionId) {
      open();
      return copyEvents(eventsByAction.get(actionId));
    },

    async eventsAfter(
      afterSeq: number,
      limit: number,
      filter: EventStreamFilter = {},
      maxBytes = Number.POSITIVE_INFINITY,
    ) {
      open();
      const out: EventRecord[] = [];
      let bytes = 0;
      // seq = index + 1, so the scan starts right after afterSeq.
      for (let i = Math.max(0, afterSeq); i < ledger.length && out.length < limit && bytes < maxBytes; i++) {
        const event = ledger[i]!;
        if (filter.action_id !== undefined && event.action_id !== filter.action_id) continue;
        if (filter.agent_id !== undefined && event.action.agent_id !== filter.agent_id) continue;
        if (filter.tool !== undefined && event.action.tool !== filter.tool) continue;
        if (filter.status !== undefined && event.action.status !== filter.status) continue;
        out.push(event);
        bytes += canonicalJson(event.action).length + canonicalJson(event.meta).length;
      }
      return structuredClone(out);
    },

    async latestSeq() {
      open();
      return ledger.length;
    },

    async listExpiredPending(at, limit) {
      return listExpired('pending_approval', at, limit);
    },

    async listExpiredApproved(at, limit) {
      return listExpired('approved', at, limit);
    },

    async listDueEscalations(at, limit) {
      open();
      const dueAt = (a: ActionRecord): string | null => a.approval?.next_escalation_at ?? null;
      const key = (a: ActionRecord): string => `${dueAt(a)}\u0000${a.id}`;
      return [...actions.values()]
        .filter((a) => a.status === 'pending_approval' && dueAt(a) !== null && (dueAt(a) as string) <= at)
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
        .slice(0, Math.max(0, limit))
        .map((a) => structuredClone(a));
    },

    async listBreakGlass(input) {
      open();
      const key = (a: ActionRecord): string => `${a.approval?.break_glass?.at}\u0000${a.id}`;
      return [...actions.values()]
        .filter((a) => a.approval?.break_glass !== undefined)
        .filter((a) => input.review === undefined || a.approval?.break_glass?.review.status === input.review)
        .sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0))
        .slice(0, Math.max(0, input.limit))
        .map((a) => structuredClone(a));
    },

    async limitUsage(key, since) {
      open();
      return limitUsage.used(key, since);
    },

    async countByStatus() {
      open();
      const counts: Record<string, number> = {};
      for (const action of actions.values()) counts[action.status] = (counts[action.status] ?? 0) + 1;
      return counts;
    },

    async ping() {
      open();
    },

    async probeWrite() {
      open();
    },

    async info() {
      open();
      return {
        backend: 'memory',
        schema_version: SCHEMA_VERSION,
        durability: { journal_mode: 'none', synchronous: 'none' },
        location: 'memory',
      };
    },

    ledger: createMemoryLedger({ actions, eventsByAction, ledger, open }),
    tokens: createMemoryTokens(open),

    sessions: createMemorySessions(open),
    slackMessages: createMemorySlackMessages(open),
    outbox,
    emailLinks: createMemoryEmailLinks(open),
    settings: createMemorySettings(open),
    shadow,
    grants,

    async close() {
      closed = true;
    },
  };
}
