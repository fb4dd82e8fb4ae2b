import { readFile } from 'node:fs/promises';
import type { PolicyStatus } from '@faramesh/contract';
import {
  type CompiledPolicy,
  type Diagnostic,
  formatDiagnostic,
  type LoadPolicyOptions,
  loadPolicy,
} from '@faramesh/policy';

export type { PolicyStatus };

export type ReloadOutcome =
  | { ok: true; changed: boolean; status: PolicyStatus }
  | { ok: false; message: string; diagnostics: Diagnostic[]; status: PolicyStatus };

export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
  readonly code = 'policy_invalid';
  constructor(
    message: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(message);
  }
}

/**
 * Holds the active compiled policy. Loading at start is all-or-nothing (an invalid file stops the
 * server, it never becomes a silent deny-all); a reload that fails keeps the last good policy and
 * remembers why.
 */
export class PolicyHolder {
  private constructor(
    private policy: CompiledPolicy,
    private loadedAt: string,
    private lastError: PolicyStatus['last_error'],
    private readonly now: () => Date,
    private readonly options: LoadPolicyOptions = {},
  ) {}

  /** With `options.channels`, a rule's `notify:` must name configured channels (checked on reload too). */
  static async load(file: string, now: () => Date, options: LoadPolicyOptions = {}): Promise<PolicyHolder> {
    const result = await readAndCompile(file, options);
    if (!result.ok) throw new PolicyLoadError(result.message, result.diagnostics);
    return new PolicyHolder(result.policy, now().toISOString(), null, now, options);
  }

  current(): CompiledPolicy {
    return this.policy;
  }

  status(): PolicyStatus {
    return {
      file: this.policy.file,
      version: this.policy.version,
      hash: this.policy.hash,
      rules: this.policy.rules.length,
      risk_rules: this.policy.riskRules.length,
      loaded_at: this.loadedAt,
      last_error: this.lastError,
    };
  }

  /**
   * Re-reads the policy file; on failure the active policy is kept and the reason recorded.
   * `channels`: check `notify:` against these names instead (channels about to be reloaded).
   */
  async reload(channels?: ReadonlySet<string>): Promise<ReloadOutcome> {
    const options = channels === undefined ? this.options : { ...this.options, channels };
    const result = await readAndCompile(this.policy.file, options);
    const at = this.now().toISOString();
    if (!result.ok) {
      this.lastError = { message: result.message, diagnostics: result.diagnostics, at };
      return { ok: false, message: result.message, diagnostics: result.diagnostics, status: this.status() };
    }
    const changed = result.policy.hash !== this.policy.hash;
    this.policy = result.policy;
    this.lastError = null;
    if (changed) this.loadedAt = at;
    return { ok: true, changed, status: this.status() };
  }
}

export type CompileResult =
  | { ok: true; policy: CompiledPolicy }
  | { ok: false; message: string; diagnostics: Diagnostic[] };

/** Reads and compiles a policy file; a failure is a value with a printable message and diagnostics. */
export async function readAndCompile(file: string, options: LoadPolicyOptions): Promise<CompileResult> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    const diagnostic: Diagnostic = {
      severity: 'error',
      code: 'policy_file_unreadable',
      message: reason,
      file,
      line: 0,
      column: 0,
      path: '',
    };
    return { ok: false, message: `cannot read policy ${file}: ${reason}`, diagnostics: [diagnostic] };
  }
  const loaded = loadPolicy(source, file, options);
  if (!loaded.ok) {
    const lines = loaded.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join('\n');
    return {
      ok: false,
      message: `policy ${file} is invalid (${loaded.diagnostics.length} problem(s)):\n${lines}`,
      diagnostics: loaded.diagnostics,
    };
  }
  return { ok: true, policy: loaded.policy };
}
