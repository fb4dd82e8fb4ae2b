import type { ShadowPolicyStatus } from '@faramesh/contract';
import {
  type ActionInput,
  type CompiledPolicy,
  type Diagnostic,
  evaluate,
  type LoadPolicyOptions,
  loadPolicy,
  redactionChange,
} from '@faramesh/policy';
import type { ShadowDisagreementRecord, ShadowPolicyRecord, ShadowStore } from '@faramesh/store';
import { Counter, type Registry } from 'prom-client';
import type { ShadowConfig } from '../config/shadow-config.js';
import { PolicyLoadError, readAndCompile } from '../policy/policy-holder.js';
import { type ActiveVerdict, shadowDisagreement } from './shadow-comparison.js';

/** The label of a shadow policy set through the API, in diagnostics and status. */
export const API_SHADOW_LABEL = '<shadow>';

export interface ShadowPolicyDeps {
  config: ShadowConfig;
  store: ShadowStore;
  now: () => Date;
  /** The active policy's load options, so that a shadow policy that loads here also loads as the active one. */
  loadOptions: LoadPolicyOptions;
  log: { warn(message: string): void; info(message: string): void };
  registry: Registry;
  /** The active policy now, which the shadow policy's redaction is compared with (`status`). */
  activePolicy: () => CompiledPolicy;
}

interface Loaded {
  policy: CompiledPolicy;
  source: 'file' | 'api';
  setBy: string | null;
  setAt: string;
}

type LastError = ShadowPolicyStatus['last_error'];

/**
 * The candidate policy evaluated beside the active one on every submission. It never changes a
 * decision: `disagreement` only describes how it would have decided, for the store to record with
 * the action. Two sources, never both: FARAMESH_SHADOW_POLICY (a file, loaded at start like the
 * active policy and hot-reloaded with it; a reload that fails keeps the last good one), or the API
 * (stored in the database, so every replica evaluates the same one: each polls the stored hash).
 */
export class ShadowPolicy {
  private loaded: Loaded | null = null;
  private lastError: LastError = null;
  private syncFailing = false;
  /** A stored shadow policy that doesn't load on this replica, so it isn't compiled again every poll. */
  private rejectedHash: string | null = null;
  /**
   * Evaluations by result, as plain numbers handed to the counter when it is scraped: prom-client's
   * `inc` hashes the labels on every call, a bound child's too (~1.7 µs a submission measured).
   */
  private readonly results = { agree: 0, disagree: 0, error: 0 };

  private constructor(private readonly deps: ShadowPolicyDeps) {
    const results = this.results;
    new Counter({
      name: 'faramesh_shadow_evaluations_total',
      help: 'Submissions evaluated by the shadow policy, by result: agree, disagree, or error (nothing recorded)',
      labelNames: ['result'] as const,
      registers: [deps.registry],
      collect() {
        this.reset();
        for (const [result, count] of Object.entries(results)) this.inc({ result }, count);
      },
    });
  }

  /**
   * Loads FARAMESH_SHADOW_POLICY when set: a file that doesn't load throws PolicyLoadError (the
   * server refuses to start). Without it nothing is read here; call `sync` once the store is ready.
   */
  static async start(deps: ShadowPolicyDeps): Promise<ShadowPolicy> {
    const shadow = new ShadowPolicy(deps);
    const { file } = deps.config;
    if (file !== null) {
      const result = await readAndCompile(file, deps.loadOptions);
      if (!result.ok) throw new PolicyLoadError(`shadow ${result.message}`, result.diagnostics);
      shadow.loaded = { policy: result.policy, source: 'file', setBy: null, setAt: deps.now().toISOString() };
    }
    return shadow;
  }

  /** The shadow policy comes from FARAMESH_SHADOW_POLICY (the API may not change it). */
  get fromFile(): boolean {
    return this.deps.config.file !== null;
  }

  current(): CompiledPolicy | null {
    return this.loaded?.policy ?? null;
  }

  status(): ShadowPolicyStatus {
    const loaded = this.loaded;
    return {
      active: loaded !== null,
      source: loaded?.source ?? null,
      file: this.deps.config.file,
      version: loaded?.policy.version ?? null,
      hash: loaded?.policy.hash ?? null,
      rules: loaded?.policy.rules.length ?? null,
      risk_rules: loaded?.policy.riskRules.length ?? null,
      set_by: loaded?.setBy ?? null,
      set_at: loaded?.setAt ?? null,
      compare: this.deps.config.compare,
      last_error: this.lastError,
      redaction_change: loaded === null ? null : redactionChange(this.deps.activePolicy(), loaded.policy),
    };
  }

  /**
   * How the shadow policy would have decided `input`, when that differs from the active verdict;
   * undefined when they agree or no shadow policy is set. Never throws: a failure is counted and
   * recorded as nothing, so the submission goes on exactly as without a shadow policy.
   */
  disagreement(
    input: ActionInput,
    active: ActiveVerdict,
    redacted: readonly string[] = [],
  ): ShadowDisagreementRecord | undefined {
    const policy = this.loaded?.policy;
    if (policy === undefined) return undefined;
    try {
      const verdict = evaluate(policy, input);
      const found = shadowDisagreement(active, verdict, policy.hash, this.deps.config.compare, redacted);
      if (found === undefined) this.results.agree += 1;
      else this.results.disagree += 1;
      return found;
    } catch {
      this.results.error += 1;
      return undefined;
    }
  }

  /** Re-reads FARAMESH_SHADOW_POLICY; a file that doesn't load keeps the last good shadow policy. */
  async reloadFile(): Promise<{ ok: true; changed: boolean } | { ok: false; message: string }> {
    const { file } = this.deps.config;
    if (file === null) return { ok: true, changed: false };
    const result = await readAndCompile(file, this.deps.loadOptions);
    const at = this.deps.now().toISOString();
    if (!result.ok) {
      this.lastError = { message: result.message, diagnostics: result.diagnostics, at };
      this.deps.log.warn(`shadow policy reload failed, keeping the previous one:\n${result.message}`);
      return { ok: false, message: result.message };
    }
    this.lastError = null;
    const changed = result.policy.hash !== this.loaded?.policy.hash;
    if (changed) {
      this.loaded = { policy: result.policy, source: 'file', setBy: null, setAt: at };
      this.deps.log.info(`shadow policy reloaded: ${file} (version ${result.policy.version})`);
    }
    return { ok: true, changed };
  }

  /** Compiles a shadow policy's text as the API receives it (the active policy's load options). */
  compile(source: string): { ok: true; policy: CompiledPolicy } | { ok: false; diagnostics: Diagnostic[] } {
    const loaded = loadPolicy(source, API_SHADOW_LABEL, this.deps.loadOptions);
    return loaded.ok ? { ok: true, policy: loaded.policy } : { ok: false, diagnostics: loaded.diagnostics };
  }

  /**
   * Stores a compiled shadow policy for every replica and evaluates it here from now on. The one
   * already set, set again, keeps its `set_at` (the store's rule): its report's period goes on.
   */
  async set(policy: CompiledPolicy, source: string, setBy: string | null): Promise<ShadowPolicyStatus> {
    const record: ShadowPolicyRecord = {
      source,
      hash: policy.hash,
      set_by: setBy,
      set_at: this.deps.now().toISOString(),
    };
    const stored = await this.deps.store.setPolicy(record);
    this.loaded = { policy, source: 'api', setBy: stored.set_by, setAt: stored.set_at };
    this.lastError = null;
    return this.status();
  }

  /** Removes the API-set shadow policy (only if its hash is `hash`, when given); true when one was removed. */
  async clear(hash?: string): Promise<boolean> {
    const removed = await this.deps.store.clearPolicy(hash);
    if (hash === undefined || this.loaded?.policy.hash === hash) this.loaded = null;
    return removed;
  }

  /** Puts back an API-set shadow policy removed by a promotion that then failed. */
  async restore(record: ShadowPolicyRecord, policy: CompiledPolicy): Promise<void> {
    await this.deps.store.setPolicy(record);
    this.loaded = { policy, source: 'api', setBy: record.set_by, setAt: record.set_at };
  }

  /**
   * Follows the API-set shadow policy in the database (other replicas set and clear it): a cheap read
   * of its hash, and the text only when that changed. Failures are reported once, then retried.
   */
  async sync(): Promise<void> {
    if (this.fromFile) return;
    try {
      const head = await this.deps.store.policyHead();
      if (head === null) {
        this.loaded = null;
      } else if (head.hash !== this.loaded?.policy.hash && head.hash !== this.rejectedHash) {
        const record = await this.deps.store.getPolicy();
        if (record !== null) this.adopt(record);
      } else if (this.loaded?.source === 'api' && head.set_at !== this.loaded.setAt) {
        // Cleared and set again elsewhere between two polls: the same policy, but a new period to report on.
        const loaded = this.loaded;
        const record = await this.deps.store.getPolicy();
        if (record !== null && record.hash === loaded.policy.hash && this.loaded === loaded) {
          this.loaded = { ...loaded, setBy: record.set_by, setAt: record.set_at };
        }
      }
      if (this.syncFailing) this.deps.log.info('reading the shadow policy from the database works again');
      this.syncFailing = false;
    } catch (error) {
      if (!this.syncFailing) this.deps.log.warn(`reading the shadow policy failed: ${(error as Error).message}`);
      this.syncFailing = true;
    }
  }

  private adopt(record: ShadowPolicyRecord): void {
    const compiled = this.compile(record.source);
    if (!compiled.ok) {
      // Only when this replica's configuration differs (e.g. notification channels): say why, run none.
      const message = `the stored shadow policy ${record.hash.slice(0, 12)} does not load on this replica`;
      this.lastError = { message, diagnostics: compiled.diagnostics, at: this.deps.now().toISOString() };
      this.loaded = null;
      this.rejectedHash = record.hash;
      this.deps.log.warn(message);
      return;
    }
    this.loaded = { policy: compiled.policy, source: 'api', setBy: record.set_by, setAt: record.set_at };
    this.lastError = null;
  }
}
