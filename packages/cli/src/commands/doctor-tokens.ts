import { existsSync } from 'node:fs';
import type { ServerConfig } from '@faramesh/server';
import type { TokenCounts } from '@faramesh/store';
import type { Check } from './doctor.js';

type TokensDoctorConfig = Pick<ServerConfig, 'dbBackend' | 'sqlitePath' | 'postgresDsn'>;

/** The database tokens of the configured database, or null when it doesn't exist or isn't migrated yet. */
export async function countDatabaseTokens(config: TokensDoctorConfig): Promise<TokenCounts | null> {
  if (config.dbBackend === 'sqlite' && !existsSync(config.sqlitePath)) return null;
  const { createPostgresStore, createSqliteStore, SCHEMA_VERSION } = await import('@faramesh/store');
  const store =
    config.dbBackend === 'postgres'
      ? createPostgresStore({ dsn: config.postgresDsn ?? '', poolSize: 1, connectTimeoutMs: 3000 })
      : createSqliteStore({ path: config.sqlitePath });
  try {
    if ((await store.info()).schema_version !== SCHEMA_VERSION) return null;
    return await store.tokens.count(new Date().toISOString());
  } catch {
    return null;
  } finally {
    await store.close().catch(() => {});
  }
}

/** How many database tokens exist; a warning for those past their expiry but never revoked. */
export function databaseTokensCheck(counts: TokenCounts | null): Check | null {
  if (counts === null || counts.total === 0) return null;
  const revoked = counts.total - counts.active - counts.expired;
  const summary = `Database tokens: ${counts.active} active, ${counts.expired} expired, ${revoked} revoked (faramesh token list)`;
  if (counts.expired === 0) return { name: 'tokens', status: 'ok', message: summary };
  return {
    name: 'tokens',
    status: 'warn',
    message: summary,
    details: [
      `${counts.expired} token(s) expired but not revoked: they are refused already; revoke them (faramesh token revoke NAME) to free their names`,
    ],
  };
}
