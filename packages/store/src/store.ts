/**
 * The storage interface every adapter implements (memory, SQLite, PostgreSQL) and the shared
 * contract suite checks. The store is a leaf: it knows nothing of policies, HTTP or roles. It keeps
 * actions and their append-only, hash-chained event ledger, and guarantees that a state change and
 * its ledger event commit together, exactly once, guarded by an optimistic `version`.
 *
 * Timestamps are given by the caller (`at`), so the store has no clock of its own.
 */

import type { RequestTexts } from '@faramesh/canonical';
import type { EmailLinkStore } from './email-links/email-link-store.js';
import type { GrantChange, GrantStore, GrantUse } from './grants/grant-store.js';
import type { LedgerStore } from './ledger-store.js';
import type { LimitGate } from './limit-usage.js';
import type { NewOutboxMessage, OutboxStore } from './outbox/outbox-store.js';
import type { SessionStore } from './sessions/session-store.js';
import type { SettingsStore } from './settings/settings-store.js';
import type { ShadowDisagreementRecord, ShadowStore } from './shadow/shadow-store.js';
import type { SlackMessageStore } from './slack/slack-message-store.js';
import type { TokenStore } from './token-store.js';

export type JsonObject = { [key: string]: unknown };

export interface ActionRecord {
  id: string;
  agent_id: string;
  tool: string;
  operation: string;
  params: JsonObject;
  context: JsonObject;
  status: string;
  decision: string;
  reason: string | null;
  reason_code: string;
  risk_level: string;
  risk_rule: string | null;
  matched_rule: { index: number; description: string | null } | null;
  policy_version: string;
  policy_hash: string;
  request_hash: string;
  approval_token: string | null;
  approval_expires_at: string | null;
  approval_decided_by: string | null;
  approval_decided_at: string | null;
  approval_reason: string | null;
  submitted_by: string | null;
  idempotency_key: string | null;
  started_at: string | null;
  finished_at: string | null;
  result_error: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  /**
   * The approval state of an action that needed approval: absent on actions decided allow or deny,
   * and on actions stored before schema version 4 (so their rows still equal their snapshots).
   */
  approval?: ApprovalState;
  /** The standing grant that allowed it (reason_code `grant`); absent otherwise (schema 11). */
  grant_id?: string;
}

/**
 * What an action awaiting approval keeps besides its status: the requirement it was decided under
 * (so a policy reload never changes it), the decisions recorded so far and the escalation steps
 * fired. The store treats `requirement` as opaque JSON; the server's approval rules give it meaning.
 * Bounded: each identity decides at most once, and the requirement comes from the policy, not agents.
 */
export interface ApprovalState {
  /** The policy's requirement (approvers, approvals, expires_in_ms, escalate, groups snapshot). */
  requirement: JsonObject;
  /** Approvals and denials in the order they were recorded. */
  decisions: ApprovalDecisionRecord[];
  /** How many escalation steps have been recorded (steps fire in order, each once). */
  escalations_fired: number;
  /** When the next escalation step is due (the sweeper's index), or null when none is left. */
  next_escalation_at: string | null;
  /** The submitter was a shared identity (one token for everyone), so it may decide its own action. */
  submitter_shared: boolean;
  /**
   * sha256 of the request as stored, present when redaction replaced values (so it differs from the
   * action's `request_hash`, which covers the original): decisions check the stored request against it.
   */
  stored_request_hash?: string;
  /** Set when an admin broke glass (approved past the approvers and quorum); carries its mandatory review. */
  break_glass?: BreakGlassRecord;
}

/** A break-glass approval: who, when, why, and the review another approver must acknowledge. */
export interface BreakGlassRecord {
  by: string;
  role: string;
  at: string;
  reason: string;
  /** The breaker was also the submitter: allowed only for a shared identity, and recorded. */
  same_identity: boolean;
  review: BreakGlassReview;
}

export interface BreakGlassReview {
  status: 'open' | 'acknowledged';
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  note: string | null;
  /** The acknowledger was whoever broke the glass or submitted: allowed only for a shared identity. */
  same_identity: boolean;
}

/** One approval or denial recorded on an action. */
export interface ApprovalDecisionRecord {
  by: string;
  approve: boolean;
  at: string;
  reason: string | null;
  /** The standing grant this approver asked for with the approval (server-defined JSON); absent: none. */
  grant?: JsonObject;
}

export interface EventRecord {
  /** Global ledger position, strictly increasing in commit order, starting at 1. */
  seq: number;
  id: string;
  action_id: string;
  event_type: string;
  meta: JsonObject;
  created_at: string;
  prev_hash: string;
  hash: string;
  /** The action as it was right after this event, with `approval_token` always null. */
  action: ActionRecord;
}

/** An event to append; the store assigns `seq`, hashes and the snapshot. */
export interface NewEvent {
  id: string;
  event_type: string;
  meta: JsonObject;
}

/** The action to insert: every field but `version` (starts at 1) and `updated_at` (= created_at). */
export type NewAction = Omit<ActionRecord, 'version' | 'updated_at'>;

export interface CreateActionInput {
  action: NewAction;
  /** Appended in order, in the same transaction as the insert (e.g. created, decision_made). */
  events: NewEvent[];
  /** Notifications the events cause, queued in the same transaction (adapters with an outbox). */
  notifications?: NewOutboxMessage[] | undefined;
  /** The shadow policy's disagreement with this decision, recorded in the same transaction. */
  shadow?: ShadowDisagreementRecord | undefined;
  /**
   * A use of the standing grant that allowed this action, counted in the same transaction; when the
   * grant can no longer be used nothing is written and the call fails with `grant_unavailable`.
   * Not counted for an idempotent repeat (nothing is written then).
   */
  grant_use?: GrantUse | undefined;
  /**
   * A rate or budget limit checked in the same transaction (limit-usage.ts): the store reads the
   * bucket's usage, writes what the gate decides instead of `action`/`events`/`notifications`
   * (which still serve the idempotency lookup) and records the action's use. Idempotent repeats
   * never call it.
   */
  limit?: LimitGate | undefined;
  /**
   * canonicalJson of `action.params` and `action.context` when the caller already made them (the
   * server does, for the request hash): the store uses them instead of walking both again. The
   * caller vouches for them, as for canonicalObject's known members.
   */
  canonical?: RequestTexts | undefined;
}

export interface CreateActionResult {
  action: ActionRecord;
  events: EventRecord[];
  /**
   * False when `action.idempotency_key` was already used by the same `submitted_by`: nothing was
   * written and `action`/`events` are the earlier ones.
   */
  created: boolean;
}

/** Fields a transition may change; everything else stays as it was. */
export type ActionPatch = Partial<
  Pick<
    ActionRecord,
    | 'status'
    | 'approval_token'
    | 'approval_expires_at'
    | 'approval_decided_by'
    | 'approval_decided_at'
    | 'approval_reason'
    | 'started_at'
    | 'finished_at'
    | 'result_error'
    | 'approval'
  >
>;

export interface TransitionInput {
  id: string;
  /** Compare-and-set guard: the write happens only if the stored version still equals this. */
  expected_version: number;
  patch: ActionPatch;
  /** One or more events recorded with the change (e.g. started + succeeded for a direct result). */
  events: NewEvent[];
  at: string;
  /** Notifications the events cause, queued in the same transaction (adapters with an outbox). */
  notifications?: NewOutboxMessage[] | undefined;
  /** A standing grant made, revoked or expired with this write (grants/grant-store.ts). */
  grant?: GrantChange | undefined;
}

export interface TransitionResult {
  action: ActionRecord;
  events: EventRecord[];
}

export interface ActionFilter {
  status?: string;
  tool?: string;
  agent_id?: string;
  risk_level?: string;
  submitted_by?: string;
  /** created_at >= since */
  since?: string;
  /** created_at < until */
  until?: string;
  /**
   * Substring (ASCII case-insensitive) of id, agent_id, tool, operation, or the canonical JSON of
   * params or context (their first 4,096 characters); exact rules in `search-text.ts`.
   */
  q?: string;
}

/** Newest first: ordered by (created_at DESC, id DESC). */
export interface ListInput {
  filter: ActionFilter;
  limit: number;
  offset?: number;
  /** Keyset paging: only rows strictly after this one in the ordering (older). Overrides offset. */
  after?: { created_at: string; id: string };
  /**
   * The page also ends after the row that brings the JSON text of its items' params and context to
   * `maxBytes` (at least one row is returned), so a page of large actions stays bounded in memory.
   */
  maxBytes?: number;
}

export interface ListResult {
  items: ActionRecord[];
  /** Count of all rows matching the filter, ignoring paging. */
  total: number;
  /** True when `maxBytes` ended the page before `limit` rows: more rows may follow. */
  truncated?: boolean;
}

export interface EventStreamFilter {
  action_id?: string;
  agent_id?: string;
  tool?: string;
  /** Matches the action's status right after the event (its snapshot). */
  status?: string;
}

export interface StoreInfo {
  backend: 'memory' | 'sqlite' | 'postgres';
  schema_version: number;
  /** Human-readable durability settings, e.g. { journal_mode: 'wal', synchronous: 'full' }. */
  durability: Record<string, string>;
  location: string;
}

export interface Store {
  /** Applies pending versioned migrations; returns the versions before and after. */
  migrate(): Promise<{ from: number; to: number }>;
  createAction(input: CreateActionInput): Promise<CreateActionResult>;
  getAction(id: string): Promise<ActionRecord | null>;
  /** Actions whose id starts with `prefix` (lowercase hex and dashes), at most `limit`. */
  findByIdPrefix(prefix: string, limit: number): Promise<ActionRecord[]>;
  listActions(input: ListInput): Promise<ListResult>;
  /** Throws StoreError `not_found` or `version_conflict`; on success the change and its events are committed. */
  transition(input: TransitionInput): Promise<TransitionResult>;
  listEvents(actionId: string): Promise<EventRecord[]>;
  /**
   * Ledger events with seq > afterSeq, ascending, at most `limit`, optionally filtered. With
   * `maxBytes`, the page also ends after the event that brings the JSON text of the events' action
   * snapshots and meta to `maxBytes` (at least one event is returned when there is one), so a page of
   * large events stays bounded in memory; read on until a page comes back empty.
   */
  eventsAfter(afterSeq: number, limit: number, filter?: EventStreamFilter, maxBytes?: number): Promise<EventRecord[]>;
  /** The highest committed seq, 0 for an empty ledger. */
  latestSeq(): Promise<number>;
  /** pending_approval actions whose approval_expires_at <= at, oldest first, at most `limit`. */
  listExpiredPending(at: string, limit: number): Promise<ActionRecord[]>;
  /**
   * approved actions whose approval_expires_at <= at (the approval lapsed before execution started),
   * oldest first, at most `limit`. Approved actions are few (each starts or lapses within its TTL),
   * so adapters may scan them without a dedicated index.
   */
  listExpiredApproved(at: string, limit: number): Promise<ActionRecord[]>;
  /**
   * pending_approval actions whose `approval.next_escalation_at` <= at, soonest first, at most
   * `limit` (for the escalation sweeper; adapters index it).
   */
  listDueEscalations(at: string, limit: number): Promise<ActionRecord[]>;
  /**
   * Actions approved by breaking glass (`approval.break_glass` set), newest break first, at most
   * `limit`; with `review`, only those whose review has that status. Adapters index them (they are few).
   */
  listBreakGlass(input: { review?: BreakGlassReview['status']; limit: number }): Promise<ActionRecord[]>;
  /** Counts of actions by status (for /metrics gauges and the dashboard). */
  countByStatus(): Promise<Record<string, number>>;
  /**
   * The usage of a limit bucket counted strictly after `since` (limit-usage.ts): what `explain`
   * and the playground show. Submissions read it inside their write transaction instead.
   */
  limitUsage(key: string, since: string): Promise<number>;
  /** Throws StoreError `unavailable` when the database can't answer. */
  ping(): Promise<void>;
  /**
   * Estimated bytes of the adapter's bounded in-memory structures, by name (`faramesh_bounded_bytes`);
   * adapters that keep none omit it.
   */
  memoryBytes?(): Record<string, number>;
  /**
   * Commits a one-row write (the readiness probe table), so a database that can be read but not
   * written (read-only file or transaction, I/O errors, lost write lock) throws StoreError
   * `unavailable` here just as a submission would. Cheap, but a real commit: callers rate-limit it.
   */
  probeWrite(at: string): Promise<void>;
  info(): Promise<StoreInfo>;
  /**
   * Calls `listener` whenever another process may have committed ledger events (PostgreSQL:
   * LISTEN/NOTIFY), with the new head seq when known and `null` after a reconnect, when notifications
   * may have been missed. A hint only: re-read the ledger with `eventsAfter`. Returns an unsubscribe
   * function. Single-process adapters (memory, SQLite) omit it.
   */
  watch?(listener: (latestSeq: number | null) => void): () => void;
  /** The ledger's bookkeeping (high-water mark, checkpoints) and the paged reads verification uses. */
  readonly ledger: LedgerStore;
  /** API tokens managed in the database (token-store.ts). */
  readonly tokens: TokenStore;
  /** Standing grants (grants/grant-store.ts); written only with action writes, read here. */
  readonly grants: GrantStore;
  /** Dashboard login sessions (OpenID Connect), shared by every replica. */
  readonly sessions: SessionStore;
  /**
   * The transactional outbox of notifications (outbox/outbox-store.ts). Every built-in adapter has
   * it; optional so that a store without one makes the server refuse channels at start.
   */
  readonly outbox?: OutboxStore;
  /** Uses of one-time email approval links (email-links/email-link-store.ts); every built-in adapter has it. */
  readonly emailLinks?: EmailLinkStore;
  /** Where each action's Slack approval message was posted (slack/slack-message-store.ts); optional like `outbox`. */
  readonly slackMessages?: SlackMessageStore;
  /** The shadow policy set through the API and the disagreements recorded with actions. */
  readonly shadow: ShadowStore;
  /** Named values every replica and restart must agree on, changed by compare-and-set (settings/settings-store.ts). */
  readonly settings: SettingsStore;
  close(): Promise<void>;
}

export type StoreErrorCode =
  | 'not_found'
  | 'version_conflict'
  | 'unavailable'
  | 'corrupt'
  | 'invalid_input'
  /** A unique key is taken (e.g. the name of a token that isn't revoked). */
  | 'already_exists'
  /** The database was migrated by a newer Faramesh; this build must not read or write it. */
  | 'schema_too_new'
  /** A standing grant can't be used or changed as asked (revoked, expired, used up, unknown). */
  | 'grant_unavailable';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** prev_hash of the first event in the ledger. */
export const GENESIS_HASH = '0'.repeat(64);
