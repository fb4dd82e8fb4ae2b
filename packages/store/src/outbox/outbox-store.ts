/**
 * The transactional outbox: notifications written in the same transaction as the ledger event that
 * causes them (`CreateActionInput.notifications`, `TransitionInput.notifications`), then delivered
 * by a worker that claims them under a lease. The store is a leaf: it knows nothing of channels or
 * HTTP; `channel` is an opaque name and `payload` opaque JSON built by the server.
 *
 * Timestamps are given by the caller, so the store has no clock of its own.
 */

import type { JsonObject } from '../store.js';

/** A notification to enqueue. */
export interface NewOutboxMessage {
  /** Unique; also the `webhook-id` a receiver de-duplicates on. */
  id: string;
  /** A configured channel name (e.g. a webhook endpoint). */
  channel: string;
  /** What caused it (a ledger event type such as `decision_made`, or `test`). */
  event_type: string;
  /** The action it is about, or null (a channel test). */
  action_id: string | null;
  payload: JsonObject;
  /**
   * `JSON.stringify(payload)` when the caller already made it (stored as is, sent as the body): the
   * caller vouches that it is. Claimed messages carry their stored text here too.
   */
  payload_json?: string;
  /**
   * Stored already leased to the worker of the process that writes it, which delivers it from
   * memory once the write commits: no claim (a write and a read of the row) per message. It counts
   * its first attempt as a claim would; if that process dies, the lease expires and any worker
   * claims it.
   */
  lease?: OutboxLease;
}

export interface OutboxLease {
  owner: string;
  expires_at: string;
}

/**
 * queued: waiting for its first or next attempt (`attempts` > 0 and `last_error` set: retrying);
 * delivered: a receiver acknowledged it; dead: the attempt limit was reached (re-drivable).
 */
export type OutboxStatus = 'queued' | 'delivered' | 'dead';

export interface OutboxMessage extends NewOutboxMessage {
  status: OutboxStatus;
  /** Attempts started (a claim counts, so a replica killed mid-delivery still uses one up). */
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface ClaimInput {
  /** The claiming worker (unique per process). */
  owner: string;
  at: string;
  /** Until when the claim holds; after it another worker may claim the message again. */
  lease_expires_at: string;
  limit: number;
  /**
   * Bounds the claimed payloads' total size (UTF-8 bytes of their stored JSON): messages are taken
   * oldest first while the total stays within it, and always at least one. Absent: count only.
   */
  max_bytes?: number | undefined;
}

/**
 * What became of one claimed message, recorded with others in one write (`settle`):
 * delivered; failed (queued again for `retry_at`, or dead when it is null); or released unattempted
 * (the lease is freed and the attempt its claim counted is given back).
 */
export type OutboxOutcome =
  | { id: string; at: string; result: 'delivered' }
  | { id: string; at: string; result: 'failed'; error: string; retry_at: string | null }
  | { id: string; at: string; result: 'released' };

export interface OutboxFilter {
  status?: OutboxStatus | undefined;
  action_id?: string | undefined;
  limit: number;
}

export interface OutboxStore {
  /** Enqueues messages on their own (e.g. a channel test); event-caused ones go with the event. */
  add(messages: NewOutboxMessage[], at: string): Promise<void>;
  /**
   * Atomically leases up to `limit` queued messages due at `at` whose lease is free or expired,
   * oldest due first, counting an attempt on each. Two workers never hold the same message at once.
   */
  claim(input: ClaimInput): Promise<OutboxMessage[]>;
  /**
   * Records the outcomes of many claimed messages in one write. For each outcome, in order: whether
   * it was applied — false when `owner` no longer holds that message's lease (nothing changes for it).
   */
  settle(owner: string, outcomes: readonly OutboxOutcome[]): Promise<boolean[]>;
  /** Marks a message delivered; false when `owner` no longer holds its lease (nothing changes). */
  complete(id: string, owner: string, at: string): Promise<boolean>;
  /**
   * Records a failed attempt: queued again for `retry_at`, or dead when `retry_at` is null. False
   * when `owner` no longer holds its lease (nothing changes).
   */
  fail(id: string, owner: string, input: { at: string; error: string; retry_at: string | null }): Promise<boolean>;
  /** Newest first. */
  list(filter: OutboxFilter): Promise<OutboxMessage[]>;
  get(id: string): Promise<OutboxMessage | null>;
  /** Re-drives a dead message: queued, due at `at`, attempts reset. Null when no dead message has this id. */
  retry(id: string, at: string): Promise<OutboxMessage | null>;
}

/** `complete` and `fail`, each one outcome given to `settle`. */
export function singleOutcomes(settle: OutboxStore['settle']): Pick<OutboxStore, 'complete' | 'fail'> {
  return {
    async complete(id, owner, at) {
      return (await settle(owner, [{ id, at, result: 'delivered' }]))[0] === true;
    },
    async fail(id, owner, { at, error, retry_at }) {
      return (await settle(owner, [{ id, at, result: 'failed', error, retry_at }]))[0] === true;
    },
  };
}

/** A message as it is first stored: queued, due at once, never tried (or its first attempt leased). */
export function queuedMessage(m: NewOutboxMessage, at: string): OutboxMessage {
  const { lease } = m;
  // Field by field (no rest or spread: V8's slow path, and the lease is no part of the message).
  const message: OutboxMessage = {
    id: m.id,
    channel: m.channel,
    event_type: m.event_type,
    action_id: m.action_id,
    payload: m.payload,
    status: 'queued',
    attempts: lease === undefined ? 0 : 1,
    next_attempt_at: at,
    lease_owner: lease?.owner ?? null,
    lease_expires_at: lease?.expires_at ?? null,
    last_error: null,
    created_at: at,
    updated_at: at,
    delivered_at: null,
  };
  if (m.payload_json !== undefined) message.payload_json = m.payload_json;
  return message;
}

/** An outbox row as both SQL stores read it: the payload as its stored JSON text. */
export interface OutboxRow extends Omit<OutboxMessage, 'payload' | 'status' | 'payload_json'> {
  payload: string;
  status: string;
}

/**
 * A stored row as a message, its text kept (a retry sends exactly that). The payload is parsed when
 * first read: a webhook sends the text as it is, and parsing ~2 KB cost ~3.5 µs per claimed message;
 * only channels that render it (Slack, email) read it.
 */
export function rowToMessage(row: OutboxRow): OutboxMessage {
  const text = row.payload;
  let parsed: JsonObject | undefined;
  return {
    id: row.id,
    channel: row.channel,
    event_type: row.event_type,
    action_id: row.action_id,
    get payload(): JsonObject {
      if (parsed === undefined) parsed = JSON.parse(text) as JsonObject;
      return parsed;
    },
    payload_json: text,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    lease_owner: row.lease_owner,
    lease_expires_at: row.lease_expires_at,
    last_error: row.last_error,
    created_at: row.created_at,
    updated_at: row.updated_at,
    delivered_at: row.delivered_at,
  };
}

/** Bounds a delivery error kept on the row (receivers may answer with anything). */
export const MAX_OUTBOX_ERROR_CHARS = 500;

export function boundedError(error: string): string {
  return error.length > MAX_OUTBOX_ERROR_CHARS ? `${error.slice(0, MAX_OUTBOX_ERROR_CHARS)}…` : error;
}
