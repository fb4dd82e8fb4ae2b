import { isScalar, type Node } from 'yaml';
import { closestKey } from './closest-key.js';
import { type Entry, joinPath, readSequence, type YamlSource } from './yaml-document.js';

/** The parts of a request whose values can be redacted: what the agent sends as data. */
export const REDACT_ROOTS = ['params', 'context'] as const;

/** A validated `redact:` list: dotted paths, and the nodes that hold them for locating later errors. */
export interface RedactPaths {
  paths: string[];
  /** The `redact` key itself, where "no redaction key configured" is reported. */
  key: Node;
}

// A segment names one mapping key: no dots (they separate), no spaces, no wildcards or brackets.
const SEGMENT = /^[^.\s*[\]"'`]{1,128}$/;

/**
 * `redact: [params.api_key, context.authorization]` at the top of a policy or on a rule: the values
 * at these paths are stored only as keyed digests. A path must start at `params` or `context` and
 * name at least one key below it; anything else could never hold a value, so it is a load error at
 * its line and column. Null when absent or after reporting.
 */
export function readRedactPaths(yaml: YamlSource, entry: Entry | undefined, path: string): RedactPaths | null {
  if (entry === undefined) return null;
  const at = joinPath(path, 'redact');
  const items = readSequence(yaml, entry.value, at, '`redact`');
  if (items === null) return null;
  const before = yaml.diagnostics.length;
  const seen = new Set<string>();
  const paths: string[] = [];
  items.forEach((item, index) => {
    const itemPath = `${at}[${index}]`;
    const problem = redactPathProblem(item);
    if (problem !== null) {
      yaml.error(item, itemPath, problem.code, problem.message);
      return;
    }
    const value = (item as { value: string }).value;
    // Keys match regardless of case (redaction.ts), so `params.x` and `params.X` are one path.
    const folded = value.toLowerCase();
    if (seen.has(folded)) {
      yaml.error(item, itemPath, 'duplicate_redact_path', `"${value}" is already in this \`redact\` list`);
      return;
    }
    seen.add(folded);
    paths.push(value);
  });
  if (yaml.diagnostics.slice(before).some((d) => d.severity === 'error')) return null;
  return { paths, key: entry.key };
}

function redactPathProblem(item: Node): { code: string; message: string } | null {
  if (!isScalar(item) || typeof item.value !== 'string') {
    return { code: 'invalid_type', message: 'a `redact` entry must be a dotted path like params.api_key' };
  }
  const segments = item.value.split('.');
  const [root, ...rest] = segments;
  if (!REDACT_ROOTS.includes(root as (typeof REDACT_ROOTS)[number])) {
    const suggestion = closestKey(root ?? '', REDACT_ROOTS);
    const hint =
      suggestion === null
        ? 'only values the agent sends in params or context can be redacted'
        : `did you mean "${[suggestion, ...rest].join('.')}"?`;
    return {
      code: 'invalid_redact_path',
      message: `"${item.value}" can't hold a value to redact: a path starts with params. or context.; ${hint}`,
    };
  }
  if (rest.length === 0) {
    return {
      code: 'invalid_redact_path',
      message: `"${item.value}" names all of ${root}; name the field that holds the secret, like ${root}.api_key`,
    };
  }
  if (!rest.every((segment) => SEGMENT.test(segment))) {
    return {
      code: 'invalid_redact_path',
      message: `"${item.value}" is not a dotted path of keys (no empty keys, spaces, quotes, wildcards or [ ])`,
    };
  }
  return null;
}

/** Reports each `redact:` list when no redaction key is configured: such a policy must not load. */
export function missingRedactionKeyErrors(yaml: YamlSource, lists: readonly (RedactPaths | null)[]): void {
  for (const list of lists) {
    if (list === null || list.paths.length === 0) continue;
    yaml.error(
      list.key,
      '',
      'redaction_key_missing',
      '`redact` needs a redaction key: set FARAMESH_REDACTION_KEY (at least 32 characters) on the server',
    );
  }
}
