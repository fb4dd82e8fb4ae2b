import type { TokenSpec } from './config.js';

/**
 * Characters a token name may not contain: `*` and `/` would make the default binding (`name`,
 * `name/*`) ambiguous, and `=`, `|`, `,` separate the entries of FARAMESH_AGENT_BINDINGS and
 * FARAMESH_TOKEN_GROUPS.
 */
const RESERVED_IN_NAMES = /[*/=|,\s]/;

/**
 * Applies FARAMESH_AGENT_BINDINGS and FARAMESH_TOKEN_GROUPS to the parsed tokens. Both read
 * `name=item|item,name=item`: bindings give the agent-id globs an agent token may submit as
 * (replacing its default, its own name and `name/*`); groups are what `principal_group:` matches.
 */
export function applyTokenIdentities(
  tokens: TokenSpec[],
  bindingsRaw: string | undefined,
  groupsRaw: string | undefined,
  problems: string[],
): void {
  const byName = new Map(tokens.map((spec) => [spec.name, spec]));
  for (const spec of tokens) {
    if (RESERVED_IN_NAMES.test(spec.name)) {
      problems.push(`token name "${spec.name}" may not contain *, /, =, |, commas or spaces`);
    }
  }
  for (const [name, globs] of listEntries('FARAMESH_AGENT_BINDINGS', bindingsRaw, problems)) {
    const spec = byName.get(name);
    if (spec === undefined) {
      problems.push(`FARAMESH_AGENT_BINDINGS: no token is named "${name}"`);
    } else if (spec.role !== 'agent') {
      problems.push(
        `FARAMESH_AGENT_BINDINGS: "${name}" is an ${spec.role} token; only agent tokens are bound (admins may submit as any agent id, approvers not at all)`,
      );
    } else if (spec.agentIds !== undefined) {
      problems.push(`FARAMESH_AGENT_BINDINGS: "${name}" is bound twice`);
    } else {
      spec.agentIds = globs;
    }
  }
  for (const [name, groups] of listEntries('FARAMESH_TOKEN_GROUPS', groupsRaw, problems)) {
    const spec = byName.get(name);
    if (spec === undefined) problems.push(`FARAMESH_TOKEN_GROUPS: no token is named "${name}"`);
    else if (spec.groups !== undefined) problems.push(`FARAMESH_TOKEN_GROUPS: "${name}" is listed twice`);
    else spec.groups = [...new Set(groups)];
  }
}

/** Parses `name=item|item,name=item` lists (FARAMESH_AGENT_BINDINGS, FARAMESH_TOKEN_GROUPS, FARAMESH_OIDC_ROLES). */
export function listEntries(variable: string, raw: string | undefined, problems: string[]): Array<[string, string[]]> {
  const entries: Array<[string, string[]]> = [];
  for (const entry of (raw ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    const name = trimmed.slice(0, equals).trim();
    const items = trimmed
      .slice(equals + 1)
      .split('|')
      .map((item) => item.trim());
    if (equals <= 0 || name === '' || items.some((item) => item === '')) {
      problems.push(`${variable} entries must look like name=item|item (got "${trimmed}")`);
      continue;
    }
    entries.push([name, items]);
  }
  return entries;
}
