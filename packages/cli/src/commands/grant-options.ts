import type { GrantRequest } from '@faramesh/contract';
import { UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { safeText } from '../output/safe-text.js';

/** `approve --grant-*`: also allow calls like this one (a standing grant). */
export interface GrantOptions {
  grantFor?: string;
  grantUses?: number;
  grantScope?: string;
  grantHighRisk?: boolean;
}

/**
 * The `grant` of an approval from the flags: the scope given with --grant-scope, else the one the
 * server proposes for the action. Null without --grant-for; the other flags need it.
 */
export async function grantRequest(ctx: Context, id: string, options: GrantOptions): Promise<GrantRequest | null> {
  if (options.grantFor === undefined) return refuseGrantOptions(options);
  if (!/^\d{1,9}[smhd]$/.test(options.grantFor)) {
    throw new UsageError(`invalid value '${options.grantFor}' for --grant-for: expected a duration like 30m, 2h or 1d`);
  }
  const scope =
    options.grantScope === undefined ? (await ctx.client.grantProposal(id)).scope : parseScope(options.grantScope);
  return {
    scope,
    ttl: options.grantFor,
    ...(options.grantUses !== undefined && { max_uses: options.grantUses }),
    ...(options.grantHighRisk === true && { high_risk: true }),
  };
}

/** Null, or a usage error when a --grant-* flag is given without --grant-for (or with deny). */
export function refuseGrantOptions(options: GrantOptions): null {
  const stray = grantFlagsGiven(options);
  if (stray.length > 0) throw new UsageError(`${stray.join(', ')} only go with approve --grant-for DURATION`);
  return null;
}

/** The --grant-* flags given, as written on the command line. */
export function grantFlagsGiven(options: GrantOptions): string[] {
  return [
    options.grantUses !== undefined && '--grant-uses',
    options.grantScope !== undefined && '--grant-scope',
    options.grantHighRisk === true && '--grant-high-risk',
    options.grantFor !== undefined && '--grant-for',
  ].filter((flag): flag is string => flag !== false);
}

function parseScope(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid value for --grant-scope: not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      'invalid value for --grant-scope: expected a JSON object {"tool", "operation", "agent_id", "params"}',
    );
  }
  return value as Record<string, unknown>;
}

/** One line for a scope: `shell run by bot: cmd = ls -la, path under /tmp`, the agent's values marked by `safeText`. */
export function describeScope(scope: Record<string, unknown>): string {
  const agent = typeof scope.agent_id === 'string' ? scope.agent_id : String(scope.agent_pattern ?? '?');
  const params = Object.entries((scope.params ?? {}) as Record<string, Record<string, unknown>>).map(([key, c]) => {
    const [kind, value] = Object.entries(c)[0] ?? ['?', null];
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    const how: Record<string, string> = {
      command: `${key} = ${shown}`,
      path_under: `${key} under ${shown}`,
      url_host: `${key} on ${shown}`,
      at_most: `${key} ≤ ${shown}`,
      equals: `${key} = ${shown}`,
      any: `${key} any`,
    };
    return how[kind] ?? `${key} ${kind}`;
  });
  return safeText(
    `${String(scope.tool)} ${String(scope.operation)} by ${agent}${params.length > 0 ? `: ${params.join(', ')}` : ''}`,
  );
}

export function usesText(grant: { max_uses?: number | null }): string {
  return grant.max_uses === undefined || grant.max_uses === null ? '' : ` (at most ${grant.max_uses} uses)`;
}
