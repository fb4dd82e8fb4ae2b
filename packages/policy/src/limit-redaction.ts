import { isMap, isSeq, type Node } from 'yaml';
import type { RedactPaths } from './redact-paths.js';
import { pathsOverlap } from './redaction.js';
import type { RuleLimit } from './rule-limit.js';
import type { YamlSource } from './yaml-document.js';

/** What a limit reads of a request that redaction could hide: its summed param and its `by` fields. */
export function limitReads(limit: Pick<RuleLimit, 'sum' | 'by'>): { field: 'sum' | 'by'; path: string }[] {
  const reads: { field: 'sum' | 'by'; path: string }[] = [];
  if (limit.sum !== null) reads.push({ field: 'sum', path: `params.${limit.sum}` });
  for (const by of limit.by) {
    if (by.startsWith('params.') || by.startsWith('context.')) reads.push({ field: 'by', path: by });
  }
  return reads;
}

/** The first redacted path a limit reads (sum or by), or null. */
export function limitReadsRedacted(limit: Pick<RuleLimit, 'sum' | 'by'>, redacted: readonly string[]): string | null {
  for (const read of limitReads(limit)) {
    if (redacted.some((path) => pathsOverlap(path, read.path))) return read.path;
  }
  return null;
}

/**
 * A limit can't read a value its rule redacts (the policy's `redact` or the rule's own): a budget
 * stores the amounts it counts (and its reasons and ledger meta say them), and a bucket key is an
 * unkeyed hash of its `by` values, which a short secret wouldn't survive. Load errors at the `sum`
 * or `by` entry.
 */
export function limitRedactionErrors(
  yaml: YamlSource,
  rules: readonly { node: Node; limit?: RuleLimit | null; redact?: RedactPaths | null }[],
  top: RedactPaths | null,
  ruleNodes: readonly Node[],
): void {
  for (const rule of rules) {
    if (!rule.limit) continue;
    const redacted = [...(top?.paths ?? []), ...(rule.redact?.paths ?? [])];
    if (redacted.length === 0) continue;
    const limitNode = isMap(rule.node) ? (rule.node.get('limit', true) as Node | undefined) : undefined;
    const base = `rules[${ruleNodes.indexOf(rule.node)}].limit`;
    for (const read of limitReads(rule.limit)) {
      const hidden = redacted.find((path) => pathsOverlap(path, read.path));
      if (hidden === undefined) continue;
      const what =
        read.field === 'sum'
          ? 'a budget stores the amounts it counts, and its reasons say them'
          : 'its bucket key would be an unkeyed hash of the secret';
      yaml.error(
        nodeOf(limitNode, read),
        `${base}.${read.field}`,
        'limit_reads_redacted',
        `this limit reads ${read.path}, which is redacted (${hidden}): ${what}; limit by agent_id or principal, or sum a param that isn't secret`,
      );
    }
  }
}

function nodeOf(limit: Node | undefined, read: { field: 'sum' | 'by'; path: string }): Node | undefined {
  if (!isMap(limit)) return limit;
  const field = limit.get(read.field, true) as Node | undefined;
  if (read.field === 'sum' || !isSeq(field)) return field ?? limit;
  return (field.items as Node[]).find((item) => (item as { value?: unknown }).value === read.path) ?? field;
}
