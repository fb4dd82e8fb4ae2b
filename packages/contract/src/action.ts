/** Wire types of the HTTP contract. JSON is snake_case, as the seed documents publish it. */

import type { ShadowVerdict } from './shadow.js';

export const STATUSES = [
  'allowed',
  'denied',
  'pending_approval',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'expired',
  'cancelled',
] as const;
export type Status = (typeof STATUSES)[number];

export const DECISIONS = ['allow', 'deny', 'require_approval'] as const;
export type Decision = (typeof DECISIONS)[number];

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const EVENT_TYPES = [
  'created',
  'decision_made',
  'approved',
  'denied',
  'started',
  'succeeded',
  'failed',
  'expired',
  'cancelled',
  /** An approval that did not complete the quorum yet: the action stays pending_approval. */
  'approval_recorded',
  /** An escalation step fired: who may decide widened and/or people were to be notified. */
  'escalated',
  /** Another approver acknowledged the review of a break-glass approval (the status doesn't change). */
  'break_glass_reviewed',
  /** A standing grant was made with this action's approval (on the approved action). */
  'grant_created',
  /**
   * A standing grant allowed this action (written before schema 20's builds; a use is now recorded in
   * the action's `decision_made`, whose meta names the grant: grant_id, grant_action_id, grant_max_uses).
   */
  'grant_used',
  /** A standing grant made with this action's approval was revoked (on the approved action). */
  'grant_revoked',
  /** A standing grant made with this action's approval ran out of time (on the approved action). */
  'grant_expired',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type JsonObject = { [key: string]: unknown };

/** The rule that decided an action: its 0-based position in `rules` and its description. */
export interface MatchedRule {
  index: number;
  description: string | null;
}

export interface Action {
  id: string;
  agent_id: string;
  tool: string;
  operation: string;
  params: JsonObject;
  context: JsonObject;
  status: Status;
  decision: Decision;
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  /** Name of the risk rule that set `risk_level`, or null when none matched (risk defaults to low). */
  risk_rule: string | null;
  matched_rule: MatchedRule | null;
  policy_version: string;
  policy_hash: string;
  request_hash: string;
  /** Only shown to approver and admin roles (and in open mode); never to agents. */
  approval_token?: string | null;
  approval_expires_at: string | null;
  approval_decided_by: string | null;
  approval_decided_at: string | null;
  approval_reason: string | null;
  /** The standing grant that allowed it (reason_code `grant`); absent otherwise. */
  grant_id?: string;
  submitted_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  result_error: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  /**
   * One line saying what the action will do (the normalized shell command, the method and URL, the
   * amount, the paths, else compact params), at most 500 characters (a cut one ends in `…`). Derived
   * by the server from params on every response, never stored; control and invisible characters are
   * kept as sent, so show it the way you show params. Optional here only so that clients can read
   * servers that predate it.
   */
  summary?: string;
  /** Distinct approvals needed; null when the action never needed approval. */
  approvals_required: number | null;
  /** The approvals that count so far, in order (each identity once). */
  approvals: ApprovalVote[];
  /** Who may still approve, while pending_approval; null otherwise. */
  waiting_for: WaitingFor | null;
  /** Escalation steps in effect (0 = none yet) and how many the rule has. */
  escalation_step: number;
  escalation_steps: number;
  /** When the next escalation step fires; null when none is left or the window closes first. */
  next_escalation_at: string | null;
  /**
   * Set when an admin broke glass: approved it past its approvers and quorum, with a reason. Its
   * review stays `open` until another approver acknowledges it. Null otherwise. Optional here only so
   * that clients can read servers that predate it.
   */
  break_glass?: BreakGlass | null;
  /**
   * Whether the caller may approve or deny it now, and if not why: only in answers to one caller
   * (never in SSE frames or exports) and only while pending_approval.
   */
  you_may_decide?: DecisionRight;
  /**
   * What the shadow policy decided, when it disagreed with the active one (`GET /v1/actions`,
   * `GET /v1/actions/{id}`; approver and admin roles only). Absent when they agreed or none was set.
   */
  shadow?: ShadowVerdict;
}

/** A break-glass approval and its mandatory review. */
export interface BreakGlass {
  by: string;
  at: string;
  reason: string;
  review: BreakGlassReview;
}

export interface BreakGlassReview {
  status: 'open' | 'acknowledged';
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  note: string | null;
}

/** One item of `GET /v1/reviews`: a break-glass approval to review, with its action. */
export interface Review {
  /** The action's id (one review per action). */
  action_id: string;
  kind: 'break_glass';
  status: 'open' | 'acknowledged';
  opened_by: string;
  opened_at: string;
  reason: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  note: string | null;
  action: Action;
}

/** `GET /v1/reviews`. */
export interface ReviewList {
  items: Review[];
}

/** One approval that counts towards an action's quorum. */
export interface ApprovalVote {
  by: string;
  at: string;
  reason: string | null;
}

/** Who may still approve a pending action. */
export interface WaitingFor {
  /** The rule names no approvers: any approver or admin may. */
  any_approver: boolean;
  /** References in effect (the rule's approvers plus every escalation step reached), as written. */
  approvers: string[];
  /** Known identities that may still approve (submitter and those who approved left out). */
  identities: string[];
  /** Identity-provider groups (`group:` references) whose members may also approve. */
  runtime_groups: string[];
  /** For people: "finance, group:sre" or "any approver". */
  text: string;
}

/**
 * The caller's right to decide: `ok`, or a stable code (`forbidden`, `self_approval_forbidden`,
 * `not_an_approver`, `already_approved`, `expired`) with the reason in words.
 */
export interface DecisionRight {
  ok: boolean;
  code: string;
  reason: string | null;
}

export interface ActionEvent {
  id: string;
  /** Global, monotonic position in the ledger; the SSE `id:`. */
  seq: number;
  action_id: string;
  event_type: EventType;
  meta: JsonObject;
  created_at: string;
  /** sha256 of the previous event's hash and this event's canonical JSON (hash chain). */
  hash: string;
  prev_hash: string;
}

export interface ActionList {
  items: Action[];
  total: number;
  limit: number;
  offset: number;
  /** Opaque cursor for the next page in keyset mode, or null at the end. */
  next_cursor: string | null;
}

/** `data:` of one SSE frame: the full action after the change, plus the ledger event. */
export interface StreamFrame {
  /**
   * The frame's event name (`action.created`, …), also in the data so that consumers of unnamed
   * frames (`?format=unnamed`, `EventSource.onmessage`) can switch on it.
   */
  type: string;
  action: Action;
  event: ActionEvent;
}

/** SSE `event:` names. */
export const STREAM_EVENT_NAMES = {
  created: 'action.created',
  decision_made: 'action.decided',
  approved: 'action.approved',
  denied: 'action.denied',
  started: 'action.started',
  succeeded: 'action.succeeded',
  failed: 'action.failed',
  expired: 'action.expired',
  cancelled: 'action.cancelled',
  approval_recorded: 'action.approval_recorded',
  escalated: 'action.escalated',
  break_glass_reviewed: 'action.break_glass_reviewed',
  grant_created: 'action.grant_created',
  grant_used: 'action.grant_used',
  grant_revoked: 'action.grant_revoked',
  grant_expired: 'action.grant_expired',
} as const satisfies Record<EventType, string>;

/** The SSE event name of a ledger event type (`action.<type>` for a type this version doesn't know). */
export function streamEventName(eventType: string): string {
  return STREAM_EVENT_NAMES[eventType as EventType] ?? `action.${eventType}`;
}

export type Role = 'agent' | 'approver' | 'admin';

export interface PolicyEvaluation {
  decision: Decision;
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  risk_rule: string | null;
  matched_rule: MatchedRule | null;
  policy_version: string;
  policy_hash: string;
}
