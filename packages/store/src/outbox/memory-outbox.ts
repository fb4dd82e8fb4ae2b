import {
  boundedError,
  type NewOutboxMessage,
  type OutboxMessage,
  type OutboxOutcome,
  type OutboxStore,
  queuedMessage,
  singleOutcomes,
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
      const stored = queuedMessage(structuredClone(m), at);
      // As the SQL stores keep it: the text a retry sends.
      stored.payload_json = m.payload_json ?? JSON.stringify(m.payload);
      rows.set(m.id, stored);
    }
  };
  const apply = (owner: string, o: OutboxOutcome): boolean => {
    const row = held(o.id, owner);
    if (row === null) return false;
    const free = { updated_at: o.at, lease_owner: null, lease_expires_at: null };
    if (o.result === 'delivered')
      Object.assign(row, free, { status: 'delivered', delivered_at: o.at, last_error: null });
    else if (o.result === 'released') Object.assign(row, free, { attempts: Math.max(0, row.attempts - 1) });
    else {
      Object.assign(row, free, {
        status: o.retry_at === null ? 'dead' : 'queued',
        next_attempt_at: o.retry_at ?? row.next_attempt_at,
        last_error: boundedError(o.error),
      });
    }
    return true;
  };
  const settle = async (owner: string, outcomes: readonly OutboxOutcome[]) => {
    open();
    return outcomes.map((o) => apply(owner, o));
  };
  return {
    insert,
    async add(messages, at) {
      open();
      insert(messages, at);
    },
    async claim({ owner, at, lease_expires_at, limit, max_bytes }) {
      open();
      const candidates = [...rows.values()]
        .filter(
          (m) =>
            m.status === 'queued' &&
            m.next_attempt_at <= at &&
            (m.lease_expires_at === null || m.lease_expires_at <= at),
        )
        .sort((a, b) => (a.next_attempt_at + a.id < b.next_attempt_at + b.id ? -1 : 1))
        .slice(0, Math.max(0, limit));
      let bytes = 0;
      const due = candidates.filter((m, i) => {
        bytes += Buffer.byteLength(JSON.stringify(m.payload));
        return i === 0 || max_bytes === undefined || bytes <= max_bytes;
      });
      for (const m of due)
        Object.assign(m, { lease_owner: owner, lease_expires_at, attempts: m.attempts + 1, updated_at: at });
      return due.map(copy);
    },
    settle,
    ...singleOutcomes(settle),
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
