import { userInfo } from 'node:os';
import type { ApiToken, CreatedToken, CreateTokenRequest } from '@faramesh/contract';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';

/** Where `faramesh token` creates, lists and revokes: the server's admin API, or the database itself. */
export interface TokenBackend {
  create(request: CreateTokenRequest): Promise<CreatedToken>;
  list(): Promise<ApiToken[]>;
  revoke(ref: string): Promise<ApiToken>;
  close(): Promise<void>;
}

/** Through the admin API (an admin token), like every other remote command. */
export function remoteTokens(ctx: Context): TokenBackend {
  return {
    create: (request) => ctx.client.createToken(request),
    async list() {
      const items: ApiToken[] = [];
      let after: string | null | undefined;
      do {
        const page = await ctx.client.listTokens({ limit: 1000, ...(after ? { after } : {}) });
        items.push(...page.items);
        after = page.next_cursor;
      } while (after);
      return items;
    },
    revoke: (ref) => ctx.client.revokeToken(ref),
    close: async () => {},
  };
}

/**
 * Straight into the configured database (SQLite file or PostgreSQL), for bootstrapping the first
 * admin before any server runs or without one. The same rules apply as through the API (names of
 * environment tokens are refused); the creator is recorded as `local:<os user>`.
 */
export async function localTokens(ctx: Context, dbPath: string | undefined): Promise<TokenBackend> {
  const server = await import('@faramesh/server');
  const storeModule = await import('@faramesh/store');
  const config = await server
    .loadServerConfig({ cwd: ctx.io.cwd, env: ctx.io.env, ...(dbPath !== undefined && { dbPath }) })
    .catch((err: unknown) => {
      throw new CliError((err as Error).message);
    });
  const store =
    config.dbBackend === 'postgres'
      ? storeModule.createPostgresStore({ dsn: config.postgresDsn ?? '', poolSize: 1 })
      : storeModule.createSqliteStore({ path: config.sqlitePath });
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw new CliError(`cannot open the database: ${(err as Error).message}`);
  }
  const admin = new server.TokenAdmin({
    tokens: store.tokens,
    reservedNames: new Set([...config.tokens.map((token) => token.name), server.OPEN_PRINCIPAL.name]),
    now: () => new Date(),
    newId: () => crypto.randomUUID(),
  });
  const by = `local:${safeUser()}`;
  const coded = <T>(run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => {
      const code = (err as { code?: unknown }).code;
      throw new CliError(typeof code === 'string' ? `${code}: ${(err as Error).message}` : (err as Error).message);
    });
  return {
    create: (request) => coded(() => admin.create(request, by)),
    async list() {
      const items: ApiToken[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await coded(() => admin.list(1000, after));
        items.push(...page.items);
        if (page.next_cursor === null) return items;
        after = page.next_cursor;
      }
    },
    revoke: (ref) => coded(() => admin.revoke(ref, by)),
    close: () => store.close(),
  };
}

function safeUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
