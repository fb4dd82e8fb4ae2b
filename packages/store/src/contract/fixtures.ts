/** Fixtures shared by the store contract and adapter tests: sample actions, events, timestamps. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { NewOutboxMessage } from '../outbox/outbox-store.js';
import { type NewAction, type NewEvent, type Store, StoreError, type StoreErrorCode } from '../store.js';

export interface OpenedStore {
  store: Store;
  /** Closes `store` and opens the same data again; omitted by adapters without persistence. */
  reopen?: () => Promise<Store>;
  /** Runs SQL on the database behind the store's back (tamper tests); durable SQL adapters only. */
  raw?: (sql: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

let clock = Date.parse('2030-01-01T00:00:00.000Z');
/** A notification as a router queues it, with a fresh id (no action unless given). */
export function sampleMessage(overrides: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    id: `msg_${randomUUID()}`,
    channel: 'ops-webhook',
    event_type: 'decision_made',
    action_id: null,
    payload: { type: 'action.pending', data: { n: 1 } },
    ...overrides,
  };
}

/** Strictly increasing ISO timestamps, so ordering tests don't depend on the wall clock. */
export function nextTime(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export function sampleAction(overrides: Partial<NewAction> = {}): NewAction {
  return {
    id: randomUUID(),
    agent_id: 'agent-1',
    tool: 'shell',
    operation: 'run',
    params: { cmd: 'ls -la', nested: { list: [1, 'two', null, true], empty: {} } },
    context: { session: 's-1' },
    status: 'allowed',
    decision: 'allow',
    reason: 'safe read',
    reason_code: 'rule_matched',
    risk_level: 'low',
    risk_rule: null,
    matched_rule: { index: 0, description: 'safe reads' },
    policy_version: 'v1',
    policy_hash: 'a'.repeat(64),
    request_hash: 'b'.repeat(64),
    approval_token: null,
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: null,
    idempotency_key: null,
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: nextTime(),
    ...overrides,
  };
}

export function newEvents(...types: string[]): NewEvent[] {
  return types.map((event_type) => ({ id: randomUUID(), event_type, meta: { by: 'contract' } }));
}

export async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

/** What an adapter can show beyond the common contract. */
export interface StoreCapabilities {
  /** The data outlives the store object (a file or a server), so `reopen` is given. */
  durable: boolean;
  /** False for adapters without `store.outbox` (the server refuses channels on them). */
  outbox?: boolean;
}
