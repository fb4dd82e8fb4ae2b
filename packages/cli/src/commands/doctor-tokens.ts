import type { TokenCounts } from '@faramesh/store';
import type { Check } from './doctor.js';
import { type DoctorStoreConfig, readDoctorStore } from './doctor-store.js';

/** The database tokens of the configured database, or null when it doesn't exist or isn't migrated yet. */
export async function countDatabaseTokens(config: DoctorStoreConfig): Promise<TokenCounts | null> {
  return readDoctorStore(config, (store) => store.tokens.count(new Date().toISOString()));
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
