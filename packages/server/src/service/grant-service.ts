import { canonicalJson } from '@faramesh/canonical';
import type { GrantList, GrantProposal, GrantRequest, JsonObject, ListGrantsQuery } from '@faramesh/contract';
import {
  formatDuration,
  matchGrantScope,
  parseDuration,
  proposeGrantScope,
  type RecordedDecision,
  validateGrantScope,
} from '@faramesh/policy';
import {
  type ActionRecord,
  type ApprovalState,
  type GrantChange,
  type GrantRecord,
  type Store,
  StoreError,
} from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { can } from '../auth/permissions.js';
import { ApiError } from '../http/api-error.js';
import type { ActionService } from './action-service.js';
import { type GrantEndorsement, readEndorsement } from './grant-terms.js';
import { grantToWire } from './grant-wire.js';
import { orphanGrantAction } from './orphan-grant-record.js';

export interface GrantServiceDeps {
  store: Store;
  actions: ActionService;
  now: () => Date;
  newId: () => string;
  /** The longest a grant may last (FARAMESH_GRANT_MAX_TTL). */
  maxTtlSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Grants whose expiry one sweep records; the rest wait for the next sweep (a second later). */
const SWEEP_BATCH = 100;
/** A revocation or recorded expiry that lost a compare-and-set on its action is tried again this often. */
const MAX_ATTEMPTS = 5;

/**
 * Standing grants' orchestration, kept apart from the approval and lifecycle services: checking what
 * an approver asks for (`endorse`), making the grant when the approval completes (`onApproved`, in
 * the approval's own transaction), and listing, revoking and expiring grants. Revocation and expiry
 * are ledger events on the action whose approval made the grant, written with the grant's change in
 * one transition. What a grant covers is decided by the policy engine (`grantCovers`), on submit.
 */
export class GrantService {
  constructor(private readonly deps: GrantServiceDeps) {}

  /**
   * Checks an approver's `grant` against the action they approve and their role, and returns what
   * is stored with their decision. 400 `grant_invalid` / `grant_ttl_too_long`, 403 `grant_forbidden`.
   */
  endorse(record: ActionRecord, request: GrantRequest, principal: Principal, approve: boolean): JsonObject {
    if (!approve) throw new ApiError('grant_invalid', 'a grant comes with an approval, not a denial');
    refuseOverLimit(record);
    const scope = validateGrantScope(request.scope, 'grant.scope');
    if (!scope.ok) {
      const first = scope.problems[0];
      throw new ApiError('grant_invalid', `invalid grant scope: ${first?.path}: ${first?.message}`, scope.problems);
    }
    const covered = matchGrantScope(scope.scope, record);
    if (!covered.ok) {
      throw new ApiError('grant_invalid', `the grant's scope must cover the action you approve: ${covered.why}`, [
        { path: 'grant.scope', message: covered.why },
      ]);
    }
    const highRisk = request.high_risk === true;
    if (record.risk_level === 'high' && !highRisk) {
      throw new ApiError(
        'grant_invalid',
        'this action is high risk: a grant for calls like it must say high_risk: true',
        [{ path: 'grant.high_risk', message: 'required for a high-risk action' }],
      );
    }
    const mayGrantHighRisk = can(principal.role, 'grant:high_risk');
    if (highRisk && !mayGrantHighRisk) {
      throw new ApiError('grant_forbidden', `role "${principal.role}" may not make grants that cover high-risk calls`);
    }
    const endorsement: GrantEndorsement = {
      scope: scope.scope,
      ttl_seconds: this.ttlSeconds(request.ttl),
      max_uses: request.max_uses ?? null,
      high_risk: highRisk,
      by: {
        name: principal.name,
        role: principal.role,
        groups: [...principal.groups],
        may_grant_high_risk: mayGrantHighRisk,
      },
      until: principal.token?.expiresAt ?? null,
    };
    return endorsement as unknown as JsonObject;
  }

  /**
   * The grant made by an approval that completed the quorum, or null when the final approver asked
   * for none. Every approval that counts must have asked for the same scope and high_risk (409
   * `grant_not_endorsed` otherwise); time and uses are the strictest asked for.
   */
  onApproved(
    record: ActionRecord,
    state: ApprovalState,
    counted: readonly RecordedDecision[],
    final: JsonObject | null,
    at: string,
  ): { change: GrantChange; meta: JsonObject } | null {
    if (final === null) return null;
    const asked = readEndorsement(final) as GrantEndorsement;
    const key = termsKey(asked);
    const endorsements: GrantEndorsement[] = [];
    const missing: string[] = [];
    for (const approval of counted) {
      const endorsement = readEndorsement(askedGrant(state, approval));
      if (endorsement === null || termsKey(endorsement) !== key) missing.push(approval.by);
      else endorsements.push(endorsement);
    }
    if (missing.length > 0) {
      throw new ApiError(
        'grant_not_endorsed',
        `${missing.join(', ')} approved without asking for this grant (the same scope and high_risk); with a quorum every approver must ask for the same grant`,
        { approvers_without_grant: missing },
      );
    }
    const ttl = Math.min(...endorsements.map((e) => e.ttl_seconds));
    const limits = endorsements.map((e) => e.max_uses).filter((n): n is number => n !== null);
    const grant = {
      id: this.deps.newId(),
      action_id: record.id,
      tool: asked.scope.tool,
      operation: asked.scope.operation,
      scope: asked.scope as unknown as JsonObject,
      high_risk: asked.high_risk,
      creators: endorsements.map((e) => ({ ...e.by }) as JsonObject),
      created_at: at,
      // Never past the credential of any approver who made it: what they endorsed ends with it.
      expires_at: new Date(
        Math.min(
          Date.parse(at) + ttl * 1000,
          ...endorsements.flatMap((e) => (e.until === null ? [] : [Date.parse(e.until)])),
        ),
      ).toISOString(),
      max_uses: limits.length === 0 ? null : Math.min(...limits),
    };
    const meta: JsonObject = {
      grant_id: grant.id,
      scope: grant.scope,
      high_risk: grant.high_risk,
      created_by: endorsements.map((e) => e.by.name),
      expires_at: grant.expires_at,
      max_uses: grant.max_uses,
    };
    return { change: { kind: 'create', grant }, meta };
  }

  /**
   * Who asked for a grant with an approval that counts when the approval completing the quorum asked
   * for none: no grant is made (the last approver didn't endorse one), and the `approved` event says
   * so instead of dropping their request silently. Empty when nobody asked.
   */
  askedWithoutGrant(state: ApprovalState, counted: readonly RecordedDecision[]): string[] {
    return counted.filter((approval) => askedGrant(state, approval) != null).map((approval) => approval.by);
  }

  /** What the dashboard and CLI offer for "also allow calls like this one", and the longest it may last. */
  propose(record: ActionRecord, principal: Principal): GrantProposal {
    this.assertMay(principal, 'grant:read', 'read grants');
    refuseOverLimit(record);
    return {
      scope: proposeGrantScope(record) as unknown as JsonObject,
      max_ttl_seconds: this.deps.maxTtlSeconds,
      high_risk_required: record.risk_level === 'high',
      may_grant_high_risk: can(principal.role, 'grant:high_risk'),
    };
  }

  async list(query: ListGrantsQuery, principal: Principal): Promise<GrantList> {
    this.assertMay(principal, 'grant:read', 'read grants');
    const limit = query.limit ?? 100;
    const now = this.deps.now();
    // A page starts after a grant the previous page named: an unknown one would read as the end.
    if (query.after !== undefined && (await this.deps.store.grants.get(query.after)) === null) {
      throw new ApiError('invalid_cursor', `no grant ${query.after}: pass next_after from the previous page`);
    }
    const rows = await this.deps.store.grants.list({
      limit: limit + 1,
      ...(query.state !== 'all' && { live_at: now.toISOString() }),
      ...(query.action_id !== undefined && { action_id: query.action_id }),
      ...(query.after !== undefined && { after: query.after }),
    });
    const items = rows.slice(0, limit);
    return {
      items: items.map((grant) => grantToWire(grant, now)),
      next_after: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
    };
  }

  async get(id: string, principal: Principal): Promise<GrantRecord> {
    this.assertMay(principal, 'grant:read', 'read grants');
    if (!UUID.test(id)) throw new ApiError('invalid_id', `"${id}" is not a grant id (a UUID)`);
    const grant = await this.deps.store.grants.get(id.toLowerCase());
    if (grant === null) throw new ApiError('grant_not_found', `no grant ${id}`);
    return grant;
  }

  /** Revokes a grant now, on every replica; the first revocation stands (revoking again changes nothing). */
  async revoke(id: string, reason: string | null, principal: Principal): Promise<GrantRecord> {
    this.assertMay(principal, 'grant:revoke', 'revoke grants');
    let grant = await this.get(id, principal);
    // An expired grant covers nothing already: revoking it changes nothing (its state stays expired).
    if (grant.revoked_at === null && grant.expires_at <= this.deps.now().toISOString()) return grant;
    // Each lost attempt means the grant's action changed meanwhile (or someone else revoked it first).
    for (let attempt = 1; grant.revoked_at === null && attempt <= MAX_ATTEMPTS; attempt++) {
      const at = this.deps.now().toISOString();
      const meta = { grant_id: grant.id, by: principal.name, role: principal.role, reason };
      await this.onOrigin(grant, 'grant_revoked', meta, {
        kind: 'revoke',
        id: grant.id,
        at,
        by: principal.name,
        reason,
      });
      grant = await this.get(id, principal);
    }
    if (grant.revoked_at === null) throw new ApiError('version_conflict', 'the grant changed concurrently; try again');
    return grant;
  }

  /**
   * Revokes every live grant `name` helped make, as `principal` (an admin revoking their token):
   * what someone endorsed stops standing when their credential does. The ids revoked.
   */
  async revokeMadeBy(name: string, reason: string, principal: Principal): Promise<string[]> {
    const revoked: string[] = [];
    const page = 200;
    let after: string | undefined;
    for (;;) {
      const live = await this.deps.store.grants.list({
        limit: page,
        live_at: this.deps.now().toISOString(),
        ...(after !== undefined && { after }),
      });
      for (const grant of live) {
        if (!grant.creators.some((creator) => creator.name === name)) continue;
        await this.revoke(grant.id, reason, principal);
        revoked.push(grant.id);
      }
      if (live.length < page) return revoked;
      after = live[live.length - 1]?.id;
    }
  }

  /** Records the expiry of every grant whose time ran out (once each, whichever replica sweeps first). */
  async expireDue(): Promise<number> {
    const at = this.deps.now().toISOString();
    let recorded = 0;
    for (const grant of await this.deps.store.grants.dueExpiry(at, SWEEP_BATCH)) {
      const meta = { grant_id: grant.id, expires_at: grant.expires_at, uses: grant.uses };
      if (await this.onOrigin(grant, 'grant_expired', meta, { kind: 'record_expiry', id: grant.id, at })) {
        recorded += 1;
      }
    }
    return recorded;
  }

  /**
   * Writes a grant change with its event on the grant's action. False when another writer got there
   * first (the action or the grant changed): the caller reads again, or leaves it to them.
   */
  private async onOrigin(
    grant: GrantRecord,
    eventType: string,
    meta: JsonObject,
    change: Exclude<GrantChange, { kind: 'create' }>,
  ): Promise<boolean> {
    const { actions, store } = this.deps;
    const origin = await store.getAction(grant.action_id);
    if (origin === null) return this.onRecord(grant, eventType, meta, change);
    try {
      await actions.commit(origin, {}, [actions.event(eventType, meta)], change.at, change);
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  /**
   * `onOrigin` for a grant whose action was archived away (by a build before archiving kept it): the
   * change and its event go on an action recorded for it (orphan-grant-record.ts), which ends
   * `succeeded` with them, or `cancelled` when another writer changed the grant first.
   */
  private async onRecord(
    grant: GrantRecord,
    eventType: string,
    meta: JsonObject,
    change: Exclude<GrantChange, { kind: 'create' }>,
  ): Promise<boolean> {
    const { actions } = this.deps;
    const { action, created, decision } = orphanGrantAction(this.deps.newId(), grant, change);
    const record = await actions.record(action, [
      actions.event('created', created),
      actions.event('decision_made', decision),
    ]);
    const { at } = change;
    const by = action.agent_id;
    try {
      const events = [
        actions.event('started', { by, implied: true }),
        actions.event(eventType, { ...meta, archived_action_id: grant.action_id }),
        actions.event('succeeded', { by, error: null }),
      ];
      await actions.commit(record, { status: 'succeeded', started_at: at, finished_at: at }, events, at, change);
      return true;
    } catch (error) {
      if (!lostRace(error)) throw error;
      const why = 'the grant was revoked or its expiry recorded meanwhile';
      await actions.commit(
        record,
        { status: 'cancelled' },
        [actions.event('cancelled', { by, reason: why, from: 'allowed' })],
        at,
      );
      return false;
    }
  }

  private ttlSeconds(ttl: string | number): number {
    let seconds: number;
    if (typeof ttl === 'number') seconds = ttl;
    // Seconds written as text (`"28800"`) are seconds too; `"0"` is refused below like `0s`.
    else if (/^\d{1,12}$/.test(ttl) && Number(ttl) > 0) seconds = Number(ttl);
    else {
      const parsed = parseDuration(ttl);
      if ('problem' in parsed) {
        throw new ApiError('grant_invalid', `grant.ttl: ${parsed.problem}`, [
          { path: 'grant.ttl', message: parsed.problem },
        ]);
      }
      seconds = parsed.ms / 1000;
    }
    const max = this.deps.maxTtlSeconds;
    if (seconds > max) {
      throw new ApiError(
        'grant_ttl_too_long',
        `a grant may last at most ${formatDuration(max * 1000)} (FARAMESH_GRANT_MAX_TTL); asked for ${seconds <= 1e9 ? formatDuration(seconds * 1000) : `${seconds} seconds`}`,
        { max_seconds: max },
      );
    }
    return seconds;
  }

  private assertMay(principal: Principal, permission: 'grant:read' | 'grant:revoke', doing: string): void {
    if (!can(principal.role, permission)) throw new ApiError('forbidden', `role "${principal.role}" may not ${doing}`);
  }
}

/** A write that lost to another writer (the action or the grant changed meanwhile). */
function lostRace(error: unknown): boolean {
  return error instanceof StoreError && (error.code === 'version_conflict' || error.code === 'grant_unavailable');
}

/** What must be the same in every approver's grant for a quorum to make it. */
function termsKey(endorsement: GrantEndorsement): string {
  return canonicalJson({ scope: endorsement.scope, high_risk: endorsement.high_risk });
}

/**
 * An action that waits because its rule's limit was reached can't carry a grant: grants never lift a
 * limit (the engine refuses them on submit), so one made here would never cover anything.
 */
function refuseOverLimit(record: ActionRecord): void {
  if (record.reason_code !== 'limit_reached') return;
  throw new ApiError(
    'grant_invalid',
    "this action waits because its rule's limit was reached, and a grant never lifts a limit: approve it without a grant",
    [{ path: 'grant', message: 'not for an action over its limit' }],
  );
}

/** The grant an approval that counts asked for, as stored with its decision (undefined or null: none). */
function askedGrant(state: ApprovalState, approval: RecordedDecision): unknown {
  return state.decisions.find((d) => d.by === approval.by && d.approve)?.grant;
}
