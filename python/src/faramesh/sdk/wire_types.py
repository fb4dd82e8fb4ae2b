"""The shapes of the answers beyond actions, as the server sends them (packages/contract/src).

TypedDicts: at run time they are the plain dicts the server's JSON became; they name the fields for
type checkers and readers. `total=False` because an older or newer server may send fewer or more."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict

JsonObject = Dict[str, Any]


class Grant(TypedDict, total=False):
    """A standing grant: `state` is `active`, `exhausted`, `expired` or `revoked`."""

    id: str
    action_id: str
    scope: JsonObject
    high_risk: bool
    created_by: List[Dict[str, str]]
    created_at: str
    expires_at: str
    max_uses: Optional[int]
    uses: int
    last_used_at: Optional[str]
    revoked_at: Optional[str]
    revoked_by: Optional[str]
    revoke_reason: Optional[str]
    state: str


class GrantProposal(TypedDict, total=False):
    """What "also allow calls like this one" offers for an action: tighten `scope`, then approve with it."""

    scope: JsonObject
    max_ttl_seconds: int
    high_risk_required: bool
    may_grant_high_risk: bool


class Review(TypedDict, total=False):
    """A break-glass approval to review (one per action)."""

    action_id: str
    kind: str
    status: str
    opened_by: str
    opened_at: str
    reason: str
    acknowledged_by: Optional[str]
    acknowledged_at: Optional[str]
    note: Optional[str]
    action: JsonObject


class ShadowPolicyStatus(TypedDict, total=False):
    """The shadow policy evaluated beside the active one; `active` is False when none is set."""

    active: bool
    source: Optional[str]
    file: Optional[str]
    version: Optional[str]
    hash: Optional[str]
    rules: Optional[int]
    risk_rules: Optional[int]
    set_by: Optional[str]
    set_at: Optional[str]
    compare: str
    last_error: Optional[JsonObject]
    # {"stops": [...], "starts": [...]}: redact paths promoting it would drop (stored in the clear
    # from then on) or add; None without a shadow policy.
    redaction_change: Optional[JsonObject]
    cleared: bool  # only in the answer to clear_shadow_policy


class ShadowReport(TypedDict, total=False):
    """What the shadow policy would have changed in a window."""

    policy_hash: str
    active_policy_hashes: List[str]
    since: str
    until: str
    submissions: int
    disagreements: int
    transitions: List[JsonObject]
    rules: List[JsonObject]


class ShadowPromotion(TypedDict, total=False):
    """The shadow policy became the active one; `action_id` is the ledger record of the promotion."""

    action_id: str
    file: str
    previous_policy_hash: str
    policy_hash: str
    report: ShadowReport


class ApiToken(TypedDict, total=False):
    """A database token, never with its secret (except `secret` in the answer that created it)."""

    id: str
    name: str
    role: str
    groups: List[str]
    agent_ids: Optional[List[str]]
    prefix: str
    created_at: str
    created_by: str
    last_used_at: Optional[str]
    expires_at: Optional[str]
    revoked_at: Optional[str]
    revoked_by: Optional[str]
    status: str
    secret: str


class Notification(TypedDict, total=False):
    """An outbox message and its delivery state (never its payload)."""

    id: str
    channel: str
    event_type: str
    action_id: Optional[str]
    state: str
    attempts: int
    next_attempt_at: Optional[str]
    last_error: Optional[str]
    created_at: str
    delivered_at: Optional[str]


class Readiness(TypedDict, total=False):
    """`ready` and the stable `reasons` of failing checks; `checks` only for an admin token."""

    ready: bool
    status: str
    reasons: List[str]
    checks: JsonObject
    checked_at: str


class LedgerAudit(TypedDict, total=False):
    """The ledger's hash chain recomputed and every action row compared with it."""

    ok: bool
    events: int
    actions: int
    head: Optional[JsonObject]
    high_water: Optional[JsonObject]
    problems: List[JsonObject]
    problem_count: int
    problem_kinds: Dict[str, int]
    checkpoints: JsonObject
    archive: Optional[JsonObject]
    key: JsonObject
    limitations: List[str]


class LedgerCheckpoint(TypedDict, total=False):
    """A (signed when FARAMESH_LEDGER_KEY is set) statement that event `seq` had hash `hash`."""

    seq: int
    hash: str
    at: str
    key_id: Optional[str]
    signature: Optional[str]
    file: bool


class LedgerArchiveResult(TypedDict, total=False):
    """What was (or, on a dry run, would be) archived; `archived` is False on a dry run."""

    archived: bool
    dry_run: bool
    before: str
    range: Optional[Dict[str, int]]
    event_count: int
    removed_events: int
    removed_actions: int
    retained_events: int
    dir: Optional[str]
    segments: List[JsonObject]
    record: Optional[JsonObject]
    limit_usage: Optional[Dict[str, Any]]
