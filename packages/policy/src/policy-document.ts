import { isScalar, type Node } from 'yaml';
import { type DeclaredGroups, readGroups } from './approval-groups.js';
import type { ApprovalRequirement } from './approval-requirement.js';
import { APPROVAL_KEYS, readApprovalKeys } from './approval-rule.js';
import { limitRedactionErrors } from './limit-redaction.js';
import { readMatchSpec, type ValidMatch } from './match-spec.js';
import { type RedactPaths, readRedactPaths } from './redact-paths.js';
import { LIMIT_RULE_KEYS, type RuleLimit, readRuleLimit } from './rule-limit.js';
import { type RuleNotify, readRuleNotify } from './rule-notify.js';
import type { Decision, RiskLevel } from './types.js';
import { type Entry, joinPath, readMapping, readSequence, readString, type YamlSource } from './yaml-document.js';

/** A validated rule, still tied to its YAML node for locations. */
export interface ParsedRule {
  node: Node;
  match: ValidMatch;
  effect: Decision;
  description: string | null;
  name: string | null;
  risk: RiskLevel | null;
  /** What its approvals require; null unless the effect is require_approval. */
  approval: ApprovalRequirement | null;
  /** Channels told when it makes an action wait for approval (`notify:`), or null. */
  notify?: RuleNotify | null;
  /** Paths the rule adds to the policy's `redact` when it decides an action (`redact:`), or null. */
  redact?: RedactPaths | null;
  /** Its rate or budget limit (`limit:`, `over_limit:`), or null. */
  limit?: RuleLimit | null;
}

/** A validated risk rule. */
export interface ParsedRiskRule {
  node: Node;
  name: string;
  when: ValidMatch;
  risk_level: RiskLevel;
}

/** A validated policy document. */
export interface ParsedPolicy {
  version: string | null;
  name: string | null;
  description: string | null;
  rules: ParsedRule[];
  riskRules: ParsedRiskRule[];
  rulesNode: Node | null;
  /** The top-level `groups:` (all valid: a policy with errors is never returned). */
  groups: DeclaredGroups;
  /** The top-level `redact:` paths, or null without. */
  redact?: RedactPaths | null;
}

const TOP_KEYS = ['rules', 'risk', 'version', 'name', 'description', 'groups', 'redact'];
const RULE_KEYS = [
  'match',
  'allow',
  'deny',
  'require_approval',
  'description',
  'risk',
  'name',
  ...APPROVAL_KEYS,
  'notify',
  'redact',
  ...LIMIT_RULE_KEYS,
];
const EFFECTS: readonly Decision[] = ['allow', 'deny', 'require_approval'];
const RISK_KEYS = ['rules'];
const RISK_RULE_KEYS = ['name', 'when', 'risk_level'];
const RISK_LEVELS: readonly string[] = ['low', 'medium', 'high'];

/** Validates a parsed YAML policy, reporting every problem into `yaml`; null when there were errors. */
export function readPolicyDocument(yaml: YamlSource): ParsedPolicy | null {
  const root = yaml.document.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    if (!yaml.hasErrors()) yaml.error(root, '', 'empty_policy', 'the policy file is empty; it needs at least `rules:`');
    return null;
  }
  if (yaml.hasErrors()) return null; // syntax errors make the tree unreliable
  const top = readMapping(yaml, root, '', 'the policy', TOP_KEYS);
  if (top === null) return null;
  const version = readVersion(yaml, top.get('version'));
  const name = optionalString(yaml, top.get('name'), 'name');
  const description = optionalString(yaml, top.get('description'), 'description');
  const groups = readGroups(yaml, top.get('groups'));
  const rulesEntry = top.get('rules');
  if (rulesEntry === undefined) yaml.error(root, 'rules', 'missing_rules', 'the policy has no `rules:` list');
  const ruleNodes = rulesEntry === undefined ? null : readSequence(yaml, rulesEntry.value, 'rules', '`rules`');
  const rules = (ruleNodes ?? []).flatMap((node, index) => {
    const rule = readRule(yaml, node, `rules[${index}]`, groups);
    return rule === null ? [] : [rule];
  });
  const riskRules = readRiskSection(yaml, top.get('risk'));
  const redact = readRedactPaths(yaml, top.get('redact'), '');
  limitRedactionErrors(yaml, rules, redact, ruleNodes ?? []);
  if (yaml.hasErrors()) return null;
  return { version, name, description, rules, riskRules, rulesNode: rulesEntry?.value ?? null, groups, redact };
}

function readVersion(yaml: YamlSource, entry: Entry | undefined): string | null {
  if (entry === undefined) return null;
  // `version: 2` is a YAML number; accept it as the text it was written as.
  if (isScalar(entry.value) && typeof entry.value.value === 'number')
    return String(entry.value.source ?? entry.value.value);
  return readString(yaml, entry, 'version');
}

function optionalString(yaml: YamlSource, entry: Entry | undefined, path: string): string | null {
  return entry === undefined ? null : readString(yaml, entry, path);
}

function readRule(yaml: YamlSource, node: Node, path: string, groups: DeclaredGroups): ParsedRule | null {
  const entries = readMapping(yaml, node, path, 'a rule', RULE_KEYS);
  if (entries === null) return null;
  const matchEntry = entries.get('match');
  if (matchEntry === undefined) yaml.error(node, joinPath(path, 'match'), 'missing_match', 'the rule has no `match:`');
  const match =
    matchEntry === undefined ? null : readMatchSpec(yaml, matchEntry.value, joinPath(path, 'match'), '`match`');
  const effect = readEffect(yaml, node, entries, path);
  const description = optionalString(yaml, entries.get('description'), joinPath(path, 'description'));
  const name = optionalString(yaml, entries.get('name'), joinPath(path, 'name'));
  const riskEntry = entries.get('risk');
  const risk = riskEntry === undefined ? null : readRiskLevel(yaml, riskEntry, joinPath(path, 'risk'));
  const approval = readApprovalKeys(yaml, entries, path, effect, groups);
  const notify = readRuleNotify(yaml, entries.get('notify'), path);
  const redact = readRedactPaths(yaml, entries.get('redact'), path);
  const limit = readRuleLimit(yaml, entries, path, effect);
  if (match === null || effect === null || (riskEntry !== undefined && risk === null)) return null;
  return { node, match, effect, description, name, risk, approval, notify, redact, limit };
}

// Exactly one effect, and its value must be literally `true`: `allow: false` reads like
// "don't allow" but would otherwise mean nothing, so it is rejected rather than guessed at.
function readEffect(yaml: YamlSource, node: Node, entries: Map<string, Entry>, path: string): Decision | null {
  // In file order, so a second effect is reported where it was written.
  const present = EFFECTS.filter((effect) => entries.has(effect)).sort(
    (a, b) => (entries.get(a)?.key.range?.[0] ?? 0) - (entries.get(b)?.key.range?.[0] ?? 0),
  );
  if (present.length === 0) {
    yaml.error(
      node,
      path,
      'missing_effect',
      'the rule needs exactly one effect: `allow: true`, `deny: true` or `require_approval: true`',
    );
    return null;
  }
  if (present.length > 1) {
    const second = entries.get(present[1] ?? '');
    yaml.error(
      second?.key,
      joinPath(path, present[1] ?? ''),
      'multiple_effects',
      `the rule has ${present.length} effects (${present.join(', ')}); use exactly one`,
    );
    return null;
  }
  const effect = present[0] as Decision;
  const entry = entries.get(effect);
  if (!isScalar(entry?.value) || entry.value.value !== true) {
    yaml.error(
      entry?.value ?? entry?.key,
      joinPath(path, effect),
      'effect_not_true',
      `\`${effect}\` must be \`true\`; to change the outcome use another effect`,
    );
    return null;
  }
  return effect;
}

function readRiskLevel(yaml: YamlSource, entry: Entry, path: string): RiskLevel | null {
  const value = isScalar(entry.value) ? entry.value.value : undefined;
  if (typeof value === 'string' && RISK_LEVELS.includes(value)) return value as RiskLevel;
  yaml.error(
    entry.value ?? entry.key,
    path,
    'invalid_risk_level',
    `risk level must be low, medium or high, got ${JSON.stringify(value ?? null)}`,
  );
  return null;
}

function readRiskSection(yaml: YamlSource, entry: Entry | undefined): ParsedRiskRule[] {
  if (entry === undefined) return [];
  const section = readMapping(yaml, entry.value, 'risk', '`risk`', RISK_KEYS);
  const rulesEntry = section?.get('rules');
  if (rulesEntry === undefined) return [];
  const nodes = readSequence(yaml, rulesEntry.value, 'risk.rules', '`risk.rules`') ?? [];
  const seen = new Set<string>();
  return nodes.flatMap((node, index) => {
    const rule = readRiskRule(yaml, node, `risk.rules[${index}]`);
    if (rule === null) return [];
    if (seen.has(rule.name)) {
      yaml.error(
        node,
        `risk.rules[${index}].name`,
        'duplicate_risk_rule_name',
        `risk rule name "${rule.name}" is already used`,
      );
      return [];
    }
    seen.add(rule.name);
    return [rule];
  });
}

function readRiskRule(yaml: YamlSource, node: Node, path: string): ParsedRiskRule | null {
  const entries = readMapping(yaml, node, path, 'a risk rule', RISK_RULE_KEYS);
  if (entries === null) return null;
  const nameEntry = entries.get('name');
  if (nameEntry === undefined) yaml.error(node, joinPath(path, 'name'), 'missing_name', 'a risk rule needs a `name`');
  const name = nameEntry === undefined ? null : readString(yaml, nameEntry, joinPath(path, 'name'));
  const whenEntry = entries.get('when');
  if (whenEntry === undefined)
    yaml.error(node, joinPath(path, 'when'), 'missing_when', 'a risk rule needs a `when:` mapping');
  const when = whenEntry === undefined ? null : readMatchSpec(yaml, whenEntry.value, joinPath(path, 'when'), '`when`');
  const levelEntry = entries.get('risk_level');
  if (levelEntry === undefined)
    yaml.error(node, joinPath(path, 'risk_level'), 'missing_risk_level', 'a risk rule needs a `risk_level`');
  const level = levelEntry === undefined ? null : readRiskLevel(yaml, levelEntry, joinPath(path, 'risk_level'));
  if (name === null || when === null || level === null) return null;
  return { node, name, when, risk_level: level };
}
