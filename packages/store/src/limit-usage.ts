/**
 * Usage of rate and budget limits. A submission whose deciding rule has a limit is written with a
 * `LimitGate`: inside the write transaction the store reads the usage of the gate's bucket in its
 * window, asks the gate what to write, writes it, and records what the action uses, all atomically
 * with the action's insert. So two submissions can never both take the last unit of a limit, on
 * SQLite (one writer transaction) and across PostgreSQL replicas (every write holds the ledger lock).
 *
 * The store is a leaf: keys are opaque, amounts are numbers, and what counts when follows from the
 * action's status alone — `allowed` counts from its creation, `pending_approval` from the
 * transition that approves it, anything else never.
 */

import type { GrantUse } from './grants/grant-store.js';
import type { NewOutboxMessage } from './outbox/outbox-store.js';
import { type CreateActionInput, type NewAction, type NewEvent, StoreError } from './store.js';
import { type ActionJson, validateCreate, validateDecision } from './validate-input.js';

/** A limit checked in the write transaction of one submission. */
export interface LimitGate {
  /** The bucket; usage is summed over every action recorded under the same key. */
  key: string;
  /** The window: usage counted strictly after this instant (ISO 8601, like every store timestamp). */
  since: string;
  /**
   * Called inside the write transaction with the bucket's usage in the window (every write
   * committed before, and earlier writes of the same batch); returns what to write. It must be
   * pure and synchronous: an adapter may call it more than once (a batch retried op by op).
   */
  decide(used: number): GatedCreate;
}

/** What a gate decided to write: the action (same id, submitter and idempotency key) and its use. */
export interface GatedCreate {
  action: NewAction;
  events: NewEvent[];
  notifications?: NewOutboxMessage[] | undefined;
  /**
   * The standing grant this write uses: the input's own (a call a grant allows within its limit) or
   * none (over the limit, the grant is not used). A gate can't name another grant.
   */
  grant_use?: GrantUse | undefined;
  /** What the action uses of the bucket (finite, ≥ 0) once it counts. */
  amount: number;
}

/** One action's use of a bucket, as stored (`limit_usage`, one row per limited action). */
export interface UsageRow {
  action_id: string;
  limit_key: string;
  amount: number;
  /** When it started counting; null while the action waits for approval. */
  counted_at: string | null;
}

/** The usage row a freshly written limited action gets, or null when it never counts (denied). */
function usageRowOf(action: NewAction, key: string, amount: number): UsageRow | null {
  if (action.status === 'allowed') {
    return { action_id: action.id, limit_key: key, amount, counted_at: action.created_at };
  }
  if (action.status === 'pending_approval') return { action_id: action.id, limit_key: key, amount, counted_at: null };
  return null;
}

/** True when a transition from `from` to `to` approves the action: its usage counts from then. */
export function countsOnTransition(from: string, to: string): boolean {
  return to === 'approved' && from !== 'approved';
}

/** A gated create resolved inside the write transaction: what to write, and its usage row. */
export interface ResolvedGate {
  input: CreateActionInput;
  json: ActionJson;
  row: UsageRow | null;
}

/** Asks `gate` what to write given the bucket's usage `used`, and checks the answer. */
export function resolveGate(input: CreateActionInput, json: ActionJson, gate: LimitGate, used: number): ResolvedGate {
  const gated = gate.decide(used);
  const chosen = gatedInput(input, gated);
  const row = usageRowOf(chosen.action, gate.key, gated.amount);
  // The gate decides on the same request: when it hands back the very objects already checked and
  // canonicalized for `input` (the action, or its params and context), their texts are reused.
  const sameAction = chosen.action === input.action;
  const same =
    sameAction || (chosen.action.params === input.action.params && chosen.action.context === input.action.context);
  // Events the gate kept as they were (the same objects, e.g. `created`) were checked with `input`.
  const texts = same ? validateDecision(chosen, json, sameAction, input.events) : validateCreate(chosen);
  return { input: chosen, json: texts, row };
}

/**
 * The create the gate decided on, checked: it must be the same action (id, submitter, idempotency
 * key) as the one the store looked up for idempotency, and its amount a finite number ≥ 0.
 */
function gatedInput(input: CreateActionInput, gated: GatedCreate): CreateActionInput {
  const { action } = input;
  if (
    gated.action.id !== action.id ||
    gated.action.submitted_by !== action.submitted_by ||
    gated.action.idempotency_key !== action.idempotency_key
  ) {
    throw new StoreError(
      'invalid_input',
      'a limit gate must decide on the same action id, submitter and idempotency key',
    );
  }
  if (typeof gated.amount !== 'number' || !Number.isFinite(gated.amount) || gated.amount < 0) {
    throw new StoreError('invalid_input', `a limit gate's amount must be a finite number ≥ 0, got ${gated.amount}`);
  }
  const grantUse = gated.grant_use;
  if (grantUse !== undefined && (grantUse.id !== input.grant_use?.id || grantUse.at !== input.grant_use.at)) {
    throw new StoreError('invalid_input', "a limit gate may keep or drop the write's grant use, not name another");
  }
  // Everything else the caller wrote with the action (a shadow disagreement) stays; the gate is
  // spent. Object.assign: a rest pattern copying the input costs ~1 µs per limited write.
  return Object.assign({}, input, {
    action: gated.action,
    events: gated.events,
    notifications: gated.notifications,
    grant_use: grantUse,
    limit: undefined,
  });
}
