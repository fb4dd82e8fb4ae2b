import type { Command } from '@commander-js/extra-typings';
import type { ApiToken, CreateTokenRequest, Role } from '@faramesh/contract';
import type { App } from '../app.js';
import { UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { localTokens, remoteTokens, type TokenBackend } from '../local/token-database.js';
import { choiceOption } from '../option-parsers.js';
import { formatDateTime } from '../output/format.js';
import { safeText } from '../output/safe-text.js';

const ROLES: readonly Role[] = ['agent', 'approver', 'admin'];

interface Where {
  local?: boolean;
  db?: string;
}

interface CreateOptions extends Where {
  name: string;
  role: Role;
  groups?: string;
  agentIds?: string;
  expires?: string;
}

async function withBackend(ctx: Context, where: Where, run: (tokens: TokenBackend) => Promise<number>) {
  const tokens = where.local || where.db !== undefined ? await localTokens(ctx, where.db) : remoteTokens(ctx);
  try {
    return await run(tokens);
  } finally {
    await tokens.close();
  }
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items;
}

/** `token create`: prints the secret once (on stdout alone, so it can be piped), the rest on stderr. */
export async function createToken(ctx: Context, options: CreateOptions): Promise<number> {
  const request: CreateTokenRequest = { name: options.name, role: options.role };
  const groups = list(options.groups);
  const agentIds = list(options.agentIds);
  if (groups !== undefined) request.groups = groups;
  if (agentIds !== undefined) {
    if (agentIds.length === 0) throw new UsageError('--agent-ids needs at least one agent-id glob');
    request.agent_ids = agentIds;
  }
  if (options.expires !== undefined) request.expires_in = options.expires;
  return withBackend(ctx, options, async (tokens) => {
    const created = await tokens.create(request);
    if (ctx.json) {
      ctx.out.json(created);
      return 0;
    }
    const { ce } = ctx.out;
    ctx.out.warn(`${ce.green('✓')} Created token ${safeText(created.name)} (${describe(created)})`);
    ctx.out.line(created.secret);
    ctx.out.warn(
      ce.yellow(
        `This is the only time the secret is shown: give it to ${safeText(created.name)} now (it is stored only as a hash). Use it as FARAMESH_TOKEN or "Authorization: Bearer …".`,
      ),
    );
    return 0;
  });
}

/** `token list`: every database token, never a secret or its hash. */
export async function listTokens(ctx: Context, options: Where): Promise<number> {
  return withBackend(ctx, options, async (tokens) => {
    const items = await tokens.list();
    if (ctx.json) {
      ctx.out.json(items);
      return 0;
    }
    if (items.length === 0) {
      ctx.out.line('No database tokens. Create one with `faramesh token create --name NAME --role ROLE`.');
      return 0;
    }
    const { c } = ctx.out;
    const when = (iso: string | null) => (iso === null ? c.dim('never') : formatDateTime(iso));
    const paint = (token: ApiToken) =>
      token.status === 'active'
        ? c.green(token.status)
        : token.status === 'expired'
          ? c.yellow(token.status)
          : c.red(token.status);
    ctx.out.table(
      ['NAME', 'ROLE', 'GROUPS', 'STATUS', 'PREFIX', 'CREATED', 'LAST USED', 'EXPIRES', 'ID'],
      items.map((token) => [
        safeText(token.name),
        safeText(token.role),
        safeText(token.groups.join(',')) || c.dim('-'),
        token.status === 'revoked' ? `${paint(token)} (${safeText(token.revoked_by ?? '?')})` : paint(token),
        `${safeText(token.prefix)}…`,
        `${formatDateTime(token.created_at)} by ${safeText(token.created_by)}`,
        when(token.last_used_at),
        token.expires_at === null ? c.dim('never') : formatDateTime(token.expires_at),
        token.id,
      ]),
    );
    return 0;
  });
}

/** `token revoke NAME|ID`: refused by every replica from the next request on. */
export async function revokeToken(ctx: Context, ref: string, options: Where): Promise<number> {
  return withBackend(ctx, options, async (tokens) => {
    const revoked = await tokens.revoke(ref);
    if (ctx.json) {
      ctx.out.json(revoked);
      return 0;
    }
    ctx.out.success(
      `Revoked token ${safeText(revoked.name)} (${safeText(revoked.prefix)}…, ${revoked.id}) at ${formatDateTime(revoked.revoked_at ?? '')} by ${safeText(revoked.revoked_by ?? '?')}`,
    );
    return 0;
  });
}

function describe(token: ApiToken): string {
  const parts: string[] = [token.role];
  if (token.groups.length > 0) parts.push(`groups ${token.groups.join(', ')}`);
  if (token.agent_ids !== null) parts.push(`agent ids ${token.agent_ids.join(', ')}`);
  parts.push(token.expires_at === null ? 'no expiry' : `expires ${formatDateTime(token.expires_at)}`);
  return safeText(parts.join('; '));
}

const LOCAL = 'write the configured database directly, no server (bootstrap the first admin)';
const DB = 'with --local: this SQLite database file (also FARA_SQLITE_PATH)';

export function registerToken(program: Command, app: App): void {
  const group = program
    .command('token')
    .description('database tokens: create (secret shown once), list, revoke (admin)');
  group
    .command('create')
    .description('create a token; prints its secret once')
    .requiredOption('--name <name>', 'the identity (recorded as submitter and approver); no * / = | , or spaces')
    .requiredOption('--role <role>', 'agent, approver or admin', choiceOption('--role', ROLES))
    .option('--groups <list>', 'comma-separated groups (policy approver groups, principal_group)')
    .option('--agent-ids <globs>', "agent tokens: comma-separated agent-id globs it may submit as, e.g. 'bot-*'")
    .option('--expires <duration>', 'lifetime: 30m, 12h, 90d (at most 365d); default none')
    .option('--local', LOCAL)
    .option('--db <path>', DB)
    .action(async (opts, cmd) => {
      app.exitCode = await createToken(app.context(cmd), opts as CreateOptions);
    });
  group
    .command('list')
    .alias('ls')
    .description('list database tokens (never their secrets)')
    .option('--local', LOCAL)
    .option('--db <path>', DB)
    .action(async (opts, cmd) => {
      app.exitCode = await listTokens(app.context(cmd), opts);
    });
  group
    .command('revoke')
    .description('revoke a token by name or id; every replica refuses it at once')
    .argument('<name-or-id>', 'token name (not revoked) or id')
    .option('--local', LOCAL)
    .option('--db <path>', DB)
    .action(async (ref, opts, cmd) => {
      app.exitCode = await revokeToken(app.context(cmd), ref, opts);
    });
}
