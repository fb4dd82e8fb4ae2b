import {
  boundedError,
  type NewOutboxMessage,
  type OutboxMessage,
  type OutboxStore,
  queuedMessage,
} from './outbox-store.js';

/** The in-memory outbox; `insert` is called by the memory store inside an event's write. */
export interface MemoryOutbox extends OutboxStore {
  insert(messages: readonly NewOutboxMessage[], at: string): void;
}

export function createMemoryOutbox(open: () => void): MemoryOutbox {
  const rows = new Map<string, OutboxMessage>();
  const copy = (m: OutboxMessage): OutboxMessage => structuredClone(m);
  const held = (id: string, owner: string): OutboxMessage | null => {
    const row = rows.get(id);
    return row !== undefined && row.status === 'queued' && row.lease_owner === owner ? row : null;
  };
  const insert = (messages: readonly NewOutboxMessage[], at: string) => {
    for (const m of messages) {
      rows.set(m.id, queuedMessage(structuredClone(m), at));
    }
  };
  return {
    insert,
    async add(messages, at) {
      open();
      insert(messages, at);
    },
    async claim({ owner, at, lease_expires_at, limit }) {
      open();
      const due = [...rows.values()]
        .filter(
          (m) =>
            m.status === 'queued' &&
            m.next_attempt_at <= at &&
            (m.lease_expires_at === null || m.lease_expires_at <= at),
        )
        .sort((a, b) => (a.next_attempt_at + a.id < b.next_attempt_at + b.id ? -1 : 1))
        .slice(0, Math.max(0, limit));
      for (const m of due)
        Object.assign(m, { lease_owner: owner, lease_expires_at, attempts: m.attempts + 1, updated_at: at });
      return due.map(copy);
    },
    async complete(id, owner, at) {
      open();
      const row = held(id, owner);
      if (row === null) return false;
      Object.assign(row, {
        status: 'delivered',
        delivered_at: at,
        updated_at: at,
        last_error: null,
        lease_owner: null,
        lease_expires_at: null,
      });
      return true;
    },
    async fail(id, owner, { at, error, retry_at }) {
      open();
      const row = held(id, owner);
      if (row === null) return false;
      Object.assign(row, {
        status: retry_at === null ? 'dead' : 'queued',
        next_attempt_at: retry_at ?? row.next_attempt_at,
        last_error: boundedError(error),
        updated_at: at,
        lease_owner: null,
        lease_expires_at: null,
      });
      return true;
    },
    async list({ status, action_id, limit }) {
      open();
      return [...rows.values()]
        .filter(
          (m) =>
            (status === undefined || m.status === status) && (action_id === undefined || m.action_id === action_id),
        )
        .sort((a, b) => (a.created_at + a.id < b.created_at + b.id ? 1 : -1))
        .slice(0, Math.max(0, limit))
        .map(copy);
    },
    async get(id) {
      open();
      const row = rows.get(id);
      return row === undefined ? null : copy(row);
    },
    async retry(id, at) {
      open();
      const row = rows.get(id);
      if (row === undefined || row.status !== 'dead') return null;
      Object.assign(row, { status: 'queued', attempts: 0, next_attempt_at: at, updated_at: at });
      return copy(row);
    },
  };
}
