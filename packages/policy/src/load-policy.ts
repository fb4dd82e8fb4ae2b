import { createHash } from 'node:crypto';
import type { CompiledPolicy, CompiledRiskRule, CompiledRule } from './compiled-policy.js';
import { compileConditions } from './condition.js';
import type { Diagnostic } from './diagnostic.js';
import { compileLimit } from './limit-check.js';
import { type ParsedPolicy, readPolicyDocument } from './policy-document.js';
import { reachabilityWarnings } from './reachability.js';
import { missingRedactionKeyErrors } from './redact-paths.js';
import { unknownChannelErrors } from './rule-notify.js';
import { buildToolIndex } from './tool-index.js';
import { untrustedGrantWarnings } from './untrusted-grants.js';
import { YamlSource } from './yaml-document.js';

export type PolicyLoadResult =
  | { ok: true; policy: CompiledPolicy; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

export interface LoadPolicyOptions {
  /** Configured notification channels: a rule's `notify:` naming another is an error. Unchecked without. */
  channels?: ReadonlySet<string>;
  /** Whether the server has a redaction key: without one, `redact:` is an error. Unchecked when absent. */
  redactionKey?: boolean;
}

/** Parses, validates and compiles a policy's YAML text; `file` is used only in diagnostics. */
export function loadPolicy(source: string, file: string, options: LoadPolicyOptions = {}): PolicyLoadResult {
  const yaml = new YamlSource(source, file);
  const parsed = source.trim() === '' ? emptyFile(yaml) : readPolicyDocument(yaml);
  if (parsed !== null && options.channels !== undefined) unknownChannelErrors(yaml, parsed.rules, options.channels);
  if (parsed !== null && options.redactionKey === false) {
    missingRedactionKeyErrors(yaml, [parsed.redact ?? null, ...parsed.rules.map((rule) => rule.redact ?? null)]);
  }
  if (parsed === null || yaml.hasErrors()) return { ok: false, diagnostics: yaml.diagnostics };
  reachabilityWarnings(yaml, parsed);
  untrustedGrantWarnings(yaml, parsed);
  const hash = createHash('sha256').update(source, 'utf8').digest('hex');
  return { ok: true, policy: compile(parsed, yaml, file, hash), warnings: yaml.diagnostics };
}

function emptyFile(yaml: YamlSource): null {
  yaml.error(null, '', 'empty_policy', 'the policy file is empty; it needs at least `rules:`');
  return null;
}

function compile(parsed: ParsedPolicy, yaml: YamlSource, file: string, hash: string): CompiledPolicy {
  const rules: CompiledRule[] = parsed.rules.map((rule, index) => ({
    info: {
      index,
      name: rule.name,
      description: rule.description,
      effect: rule.effect,
      risk: rule.risk,
      match: rule.match.spec,
      approval: rule.approval,
      ...(rule.notify?.names.length ? { notify: rule.notify.names } : {}),
      ...(rule.redact?.paths.length ? { redact: rule.redact.paths } : {}),
      ...(rule.limit ? { limit: rule.limit } : {}),
      ...yaml.locate(rule.node),
    },
    effect: rule.effect,
    risk: rule.risk,
    // An undecidable `pattern` (input over the cap) resolves toward the stricter outcome.
    conditions: compileConditions(rule.match.spec, rule.match.regex, rule.effect !== 'allow'),
    limit: rule.limit ? compileLimit(rule.limit, rule.name, rule.match.spec) : null,
  }));
  const riskRules: CompiledRiskRule[] = parsed.riskRules.map((rule, index) => ({
    info: { index, name: rule.name, risk_level: rule.risk_level, when: rule.when.spec, ...yaml.locate(rule.node) },
    conditions: compileConditions(rule.when.spec, rule.when.regex, true),
  }));
  return {
    file,
    version: parsed.version ?? hash.slice(0, 12),
    hash,
    name: parsed.name,
    description: parsed.description,
    rules: rules.map((rule) => rule.info),
    riskRules: riskRules.map((rule) => rule.info),
    groups: Object.fromEntries([...parsed.groups].map(([name, members]) => [name, [...(members ?? [])]])),
    redact: parsed.redact?.paths ?? [],
    internals: {
      rules,
      riskRules,
      ruleIndex: buildToolIndex(rules, (rule) => rule.info.match.tool),
      riskIndex: buildToolIndex(riskRules, (rule) => rule.info.when.tool),
    },
  };
}
