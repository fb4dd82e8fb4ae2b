import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { JsonObject, ShadowPromotion, ShadowReport } from '@faramesh/contract';
import type { CompiledPolicy } from '@faramesh/policy';
import type { ActionRecord, NewAction, ShadowPolicyRecord, Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { policyPrincipal } from '../auth/policy-principal.js';
import { ApiError } from '../http/api-error.js';
import type { Metrics } from '../metrics/metrics.js';
import type { PolicyHolder, ReloadOutcome } from '../policy/policy-holder.js';
import type { ActionService } from '../service/action-service.js';
import { adminAction } from '../service/admin-action.js';
import { submissionMeta } from '../service/new-action.js';
import type { EventHub } from '../stream/event-hub.js';
import { checkPolicyFile, swapPolicyFile, writeAtomically } from './policy-file-swap.js';
import type { ShadowPolicy } from './shadow-policy.js';
import { shadowReport } from './shadow-reports.js';

export interface ShadowPromoterDeps {
  /** The store as the services see it (writes refused while the ledger is damaged). */
  store: Store;
  policy: PolicyHolder;
  reloadPolicy: () => Promise<ReloadOutcome>;
  shadow: ShadowPolicy;
  service: ActionService;
  hub: EventHub;
  metrics: Metrics;
  now: () => Date;
  newId: () => string;
}

export interface PromoteRequest {
  /** Promote only if the shadow policy still has this hash (the one whose report the admin read). */
  expected_hash?: string | undefined;
  /** The window of the report recorded with the promotion (default 24h). */
  since?: string | undefined;
}

/** Rules kept in the report recorded in the ledger (the largest counts): the record stays small. */
const RECORDED_RULES = 100;

/**
 * Makes the shadow policy the active one, in one admin action:
 * 1. checks that the shadow policy is the expected one and that the active policy file still holds
 *    the policy this server runs and can be written;
 * 2. takes the API-set shadow policy out of the database (compare-and-delete by hash: of two
 *    concurrent promotions, on any replicas, one goes on, the other gets 409);
 * 3. records the promotion in the ledger as an action of the admin (tool `faramesh`, operation
 *    `policy.promote`, the report in its params), then writes the policy file atomically and reloads
 *    it; the record ends `succeeded`, or `failed` with the reason, and whatever was changed is put back.
 * Other replicas reading the same file (a shared volume, FARAMESH_HOT_RELOAD) pick it up from their
 * watchers; replicas with their own copy keep running theirs until it is updated (docs/api.md).
 */
export class ShadowPromoter {
  private busy = false;

  constructor(private readonly deps: ShadowPromoterDeps) {}

  async promote(request: PromoteRequest, principal: Principal): Promise<ShadowPromotion> {
    if (this.busy) {
      throw new ApiError('shadow_policy_changed', 'another promotion is in progress on this server; try again');
    }
    this.busy = true;
    try {
      return await this.run(request, principal);
    } finally {
      this.busy = false;
    }
  }

  private async run(request: PromoteRequest, principal: Principal): Promise<ShadowPromotion> {
    const { deps } = this;
    const candidate = deps.shadow.current();
    if (candidate === null) throw new ApiError('shadow_policy_not_set', 'no shadow policy is set; nothing to promote');
    if (request.expected_hash !== undefined && request.expected_hash !== candidate.hash) {
      throw new ApiError('shadow_policy_changed', 'the shadow policy is not the one expected; read its report again', {
        expected_hash: request.expected_hash,
        hash: candidate.hash,
      });
    }
    const active = deps.policy.current();
    const source = await this.candidateSource(candidate);
    const report = await shadowReport(deps.store, deps.shadow, { since: request.since }, deps.now(), 'body');
    // Before anything changes: the active file must hold what runs now, and be writable.
    const previous = await checkPolicyFile(active.file, active.hash);
    const stored = await this.claim(candidate);
    const record = await this.record(principal, active, candidate, report).catch(async (error: unknown) => {
      if (stored !== null) await deps.shadow.restore(stored, candidate).catch(() => {});
      throw error;
    });
    try {
      await swapPolicyFile(active.file, active.hash, source);
      const outcome = await deps.reloadPolicy();
      if (!outcome.ok || outcome.status.hash !== candidate.hash) {
        await writeAtomically(active.file, previous);
        await deps.reloadPolicy();
        throw new ApiError(
          'policy_invalid',
          'the promoted policy did not load as the active one; the previous file was put back',
          {
            diagnostics: outcome.ok ? [] : outcome.diagnostics,
          },
        );
      }
    } catch (error) {
      if (stored !== null) await deps.shadow.restore(stored, candidate).catch(() => {});
      await deps.service
        .result(record.id, { success: false, error: (error as Error).message.slice(0, 4000) }, principal)
        .catch(() => {});
      throw error;
    }
    await deps.service.result(record.id, { success: true }, principal);
    return {
      action_id: record.id,
      file: active.file,
      previous_policy_hash: active.hash,
      policy_hash: candidate.hash,
      report,
    };
  }

  /** The shadow policy's text, checked to be exactly what is being evaluated. */
  private async candidateSource(candidate: CompiledPolicy): Promise<string> {
    const text = this.deps.shadow.fromFile
      ? await readFile(candidate.file, 'utf8').catch(() => null)
      : ((await this.deps.store.shadow.getPolicy())?.source ?? null);
    if (text === null || createHash('sha256').update(text, 'utf8').digest('hex') !== candidate.hash) {
      throw new ApiError(
        'shadow_policy_changed',
        'the shadow policy changed since it was loaded (another replica, or an edit not reloaded yet); read its report again',
        { hash: candidate.hash },
      );
    }
    return text;
  }

  /** Takes the API-set shadow policy out of the database; null for a FARAMESH_SHADOW_POLICY file. */
  private async claim(candidate: CompiledPolicy): Promise<ShadowPolicyRecord | null> {
    if (this.deps.shadow.fromFile) return null;
    const stored = await this.deps.store.shadow.getPolicy();
    if (stored === null || stored.hash !== candidate.hash || !(await this.deps.shadow.clear(candidate.hash))) {
      throw new ApiError('shadow_policy_changed', 'the shadow policy was changed or promoted meanwhile', {
        hash: candidate.hash,
      });
    }
    return stored;
  }

  /** The ledger record of the promotion: an allowed action of the admin, finished by `result`. */
  private async record(
    principal: Principal,
    active: CompiledPolicy,
    candidate: CompiledPolicy,
    report: ShadowReport,
  ): Promise<ActionRecord> {
    const at = this.deps.now().toISOString();
    const params: JsonObject = {
      policy_file: active.file,
      previous_policy_hash: active.hash,
      policy_hash: candidate.hash,
      policy_version: candidate.version,
      shadow_source: this.deps.shadow.fromFile ? 'file' : 'api',
      report: { ...report, rules: report.rules.slice(0, RECORDED_RULES), rules_total: report.rules.length },
    };
    const recorded = adminAction({
      id: this.deps.newId(),
      request: { agent_id: principal.name, operation: 'policy.promote', params },
      reason: `${principal.name} promoted the shadow policy ${candidate.hash.slice(0, 12)} to active`,
      risk_level: 'high',
      submitted_by: principal.openMode ? null : principal.name,
      created_at: at,
    });
    const action: NewAction = Object.assign(recorded, { policy_version: active.version, policy_hash: active.hash });
    const meta = submissionMeta(action, policyPrincipal(principal));
    const events = [
      this.deps.service.event('created', meta.created),
      this.deps.service.event('decision_made', { ...meta.decision_made, report_since: report.since }),
    ];
    const result = await this.deps.store.createAction({ action, events });
    this.deps.metrics.countAction(action.status, action.tool);
    this.deps.hub.publish(result.events);
    return result.action;
  }
}
