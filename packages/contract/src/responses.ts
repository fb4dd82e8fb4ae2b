import type { Action, Decision, MatchedRule, PolicyEvaluation, RiskLevel, Role } from './action.js';

/** A policy problem, as the engine reports it: file:line:column and a stable code. */
export interface PolicyDiagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  /** Where in the document, e.g. `rules[2].match.amount_gt`. */
  path: string;
}

/** `GET /v1/policy`; `POST /v1/policy/reload` adds `changed`. */
export interface PolicyStatus {
  file: string;
  version: string;
  hash: string;
  rules: number;
  risk_rules: number;
  loaded_at: string;
  /** Why the last reload failed (the previous policy stayed active), or null. */
  last_error: { message: string; diagnostics: PolicyDiagnostic[]; at: string } | null;
}

/** `GET /v1/auth/whoami`. */
export interface WhoAmI {
  name: string;
  role: Role;
  open_mode: boolean;
  /**
   * True for a shared identity: open mode, or a FARAMESH_TOKEN token (one identity for everyone who
   * holds it, as in the seeds).
   */
  shared_identity: boolean;
  /**
   * Whether this identity is kept from deciding actions it submitted. False for a shared identity:
   * it may approve its own submissions (recorded as `self_approval`); use FARAMESH_TOKENS for
   * separate agent and approver identities.
   */
  separation_of_duties: boolean;
  /** Groups of this identity (FARAMESH_TOKEN_GROUPS, a database token, or the provider's groups claim). */
  groups: string[];
  /** Where the identity comes from: open mode, an environment token, a database token, or a dashboard single sign-on session. */
  source: 'open' | 'env' | 'database' | 'oidc';
  /** Database tokens only: the token's id and expiry (null: none). */
  token_id?: string;
  expires_at?: string | null;
}

/** `GET /health`. */
export interface Health {
  status: string;
}

/**
 * `GET /ready` (200 when ready, 503 otherwise; same body). `reasons` are stable codes of the failing
 * checks (`database_unwritable`, `database_unavailable`, `disk_full`, …); `checks` (with paths,
 * backend and errors) and `checked_at` only for an admin token (or open mode).
 */
export interface Readiness {
  ready: boolean;
  status: 'ready' | 'unready';
  reasons: string[];
  checks?: Record<string, { ok: boolean; reason?: string; [key: string]: unknown }>;
  checked_at?: string;
}

/** One condition of a rule as the engine checked it. */
export interface ConditionTrace {
  key: string;
  expected: unknown;
  actual: unknown;
  matched: boolean;
}

/** `not_evaluated`: a rule after the deciding one, never looked at. */
export type TraceStatus = 'matched' | 'not_matched' | 'not_evaluated';

export interface RuleTrace {
  index: number;
  name: string | null;
  description: string | null;
  effect: Decision;
  status: TraceStatus;
  conditions: ConditionTrace[];
}

export interface RiskTrace {
  index: number;
  name: string;
  risk_level: RiskLevel;
  status: TraceStatus;
  conditions: ConditionTrace[];
}

/** The engine's full trace for one action: every rule tried and why, and the risk rule that fired. */
export interface Explanation {
  decision: Decision;
  reason: string | null;
  reason_code: string;
  risk_level: RiskLevel;
  risk_rule: string | null;
  matched_rule: MatchedRule | null;
  rules: RuleTrace[];
  risk: RiskTrace[];
  /** The shell command as normalized for `contains`/`pattern`, or null. */
  normalized_command: string | null;
  /** What the shell command line would run, as the engine's analysis found it (null without one). */
  shell?: ShellTrace | null;
  /** The deciding rule's rate or budget limit as checked (null without one; absent from older servers). */
  limit?: LimitTrace | null;
}

/** A rule's limit as one decision checked it: which bucket, the usage in its window, this call's amount. */
export interface LimitTrace {
  /** Index of the rule whose limit it is. */
  rule: number;
  /** `limit 20 per 1h by agent_id`. */
  text: string;
  /** The bucket (128 bits of a sha256, base64url, of the rule's identity and the call's `by` values); empty when they can't be read. */
  key: string;
  measure: 'count' | 'sum';
  /** The summed param (sum limits), else null. */
  sum: string | null;
  max: number;
  per_ms: number;
  by: string[];
  over_limit: 'require_approval' | 'deny';
  /** What this call uses: 1 for count, the summed param for sum; null when it isn't a number ≥ 0. */
  amount: number | null;
  /** Usage in the window before this call. */
  used: number;
  /** The call doesn't fit: its rule's `over_limit` effect decided. */
  reached: boolean;
}

/** One command a shell command line would run. */
export interface ShellCommandTrace {
  /** The program's file name (what rules match). */
  name: string;
  /** The command word as written (`/usr/bin/rm`, `./rm`, `rm`). */
  path: string;
  args: readonly string[];
  dynamic_args: boolean;
  assignments: readonly string[];
  /** How it is reached, outermost first (`$(…)`, `bash -c`, `sudo`); empty at top level. */
  via: readonly string[];
}

/** The engine's shell analysis of `params.cmd`/`params.command`. */
export interface ShellTrace {
  commands: readonly ShellCommandTrace[];
  redirects: readonly { operator: string; target: string; writes: boolean; dynamic: boolean }[];
  /** False when something couldn't be resolved: shell conditions then take the stricter outcome. */
  complete: boolean;
  problems: readonly string[];
}

/** `GET /v1/actions/{id}/explain`. */
export interface ExplainResponse {
  action: Action;
  /** The policy the trace was computed with: the server's current one. */
  policy: { file: string; version: string; hash: string };
  /** False when the policy changed since the action was decided (the trace may then disagree). */
  decided_by_current_policy: boolean;
  explanation: Explanation;
}

/** `POST /playground/eval`: a decision and its trace; nothing is stored. */
export interface PlaygroundResult extends PolicyEvaluation {
  explanation: Explanation;
}

/** What a ledger problem is; `docs/ledger-verification.md` lists which tampering each one catches. */
export type LedgerProblemKind =
  | 'seq_gap'
  | 'seq_duplicate'
  | 'broken_link'
  | 'hash_mismatch'
  | 'unreadable_event'
  | 'snapshot_wrong_action'
  | 'orphan_event'
  | 'event_not_listed'
  | 'event_count_mismatch'
  | 'unreadable_action'
  | 'action_without_events'
  | 'seq_list_invalid'
  | 'listed_event_missing'
  | 'listed_event_foreign'
  | 'seq_list_mismatch'
  | 'history_invalid'
  | 'action_differs_from_ledger'
  | 'approval_token_unexpected'
  | 'head_missing'
  | 'head_mismatch'
  | 'ledger_truncated'
  | 'checkpoint_forged'
  | 'checkpoint_mismatch'
  | 'behind_checkpoint'
  | 'checkpoint_file_invalid'
  /** An archive record whose signature doesn't verify with the configured key. */
  | 'archive_forged'
  /** Archive records that don't chain (each continues the one before it from seq 1). */
  | 'archive_invalid'
  /** The events kept at or below the newest archive are not the ones it recorded (count or digest). */
  | 'retained_mismatch';

export interface LedgerProblem {
  kind: LedgerProblemKind;
  message: string;
  /** The ledger position concerned, when there is one. */
  seq?: number;
  action_id?: string;
  /** For `action_differs_from_ledger`: the fields whose stored value differs from the ledger's. */
  fields?: string[];
}

/** A signed (or unsigned) statement that the ledger's event `seq` had hash `hash` at `at`. */
export interface LedgerCheckpointInfo {
  seq: number;
  hash: string;
  at: string;
  /** First 16 hex digits of sha256 of the Ed25519 public key that signed it; null when unsigned. */
  key_id: string | null;
  /** Ed25519 signature, base64url; null when no FARAMESH_LEDGER_KEY was configured. */
  signature: string | null;
}

/**
 * `GET /v1/audit/verify`: the hash chain recomputed, every action row compared with its ledger
 * history, the high-water mark and every checkpoint checked. `problems` holds the first 100 found;
 * `problem_count` and `problem_kinds` count them all.
 */
export interface LedgerAudit {
  ok: boolean;
  /** Events walked and action rows checked. */
  events: number;
  actions: number;
  /** The newest event in the ledger, or null when it is empty. */
  head: { seq: number; hash: string } | null;
  /** The last seq ever assigned (it never moves back); above `head.seq` means the newest events were deleted. */
  high_water: { seq: number; hash: string } | null;
  problems: LedgerProblem[];
  problem_count: number;
  problem_kinds: Partial<Record<LedgerProblemKind, number>>;
  checkpoints: {
    /** Checkpoints compared with the ledger (database and file). */
    checked: number;
    /** Of those, signatures verified with the configured key. */
    signed: number;
    unsigned: number;
    /** Signed by a key other than the configured one (or no key configured): not verifiable here. */
    unverified: number;
    /** Of a position that was archived since (checked against the segments, not here). */
    archived?: number;
    latest: LedgerCheckpointInfo | null;
  };
  /** The archives the ledger was pruned by (`faramesh archive`); null when nothing was archived. */
  archive?: LedgerArchiveState | null;
  key: { configured: boolean; key_id: string | null };
  /** What this verification could not detect, given its key and checkpoints. */
  limitations: string[];
  /** The first problem's seq and message (for clients of the earlier single-problem answer). */
  seq?: number;
  reason?: string;
}

/** What verification found about a ledger's archives: the remaining ledger starts after `last_seq`. */
export interface LedgerArchiveState {
  archives: number;
  /** The newest archive's last position: the first remaining event links to `last_hash`. */
  last_seq: number;
  last_hash: string;
  /** Events at or below last_seq still in the database (their actions weren't finished). */
  retained_events: number;
  /** Archive records whose signature verified with the configured key, unsigned, and signed by another key. */
  signed: number;
  unsigned: number;
  unverified: number;
}

/** One segment file of an archive. */
export interface LedgerSegmentInfo {
  file: string;
  first_seq: number;
  last_seq: number;
  count: number;
  bytes: number;
  sha256: string;
}

/** The checkpoint an archive leaves in the database (signed when FARAMESH_LEDGER_KEY is set). */
export interface LedgerArchiveRecord {
  id: number;
  first_seq: number;
  last_seq: number;
  prev_hash: string;
  last_hash: string;
  event_count: number;
  first_at: string;
  last_at: string;
  removed_events: number;
  removed_actions: number;
  retained_events: number;
  retained_digest: string;
  before: string;
  archived_at: string;
  segments: LedgerSegmentInfo[];
  key_id: string | null;
  signature: string | null;
}

/**
 * `POST /v1/audit/archive`: what was (or, with `dry_run`, would be) archived. `archived` is false
 * on a dry run and when no event is older than `before` beyond the previous archive.
 */
export interface LedgerArchiveResult {
  archived: boolean;
  dry_run: boolean;
  /** The cutoff as an ISO timestamp: events created before it are archived. */
  before: string;
  /** The stretch of the ledger archived, or null when there was nothing to archive. */
  range: { first_seq: number; last_seq: number } | null;
  event_count: number;
  removed_events: number;
  removed_actions: number;
  retained_events: number;
  /** Where the segments were written (the server's FARAMESH_ARCHIVE_DIR through the API). */
  dir: string | null;
  segments: LedgerSegmentInfo[];
  record: LedgerArchiveRecord | null;
  /**
   * Limit usage rows removed after the archive (null on a dry run): those counted before `before`,
   * which no window reaches (the longest window a policy may name is 365 days; one more day for
   * clocks), except each bucket's last one, which carries the total a window starts from.
   */
  limit_usage: { before: string; removed_rows: number } | null;
}
