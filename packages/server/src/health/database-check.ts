import type { Store } from '@faramesh/store';
import type { ReadinessCheck } from './readiness.js';

/**
 * Ready means writable, not merely reachable: the check commits the store's one-row probe write,
 * so a read-only file, a read-only PostgreSQL transaction or a lost connection all fail it
 * (`database_unwritable`, or `database_unavailable` when even a read fails).
 */
export function databaseCheck(store: Store, now: () => Date): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      try {
        await store.ping();
      } catch (error) {
        return { ok: false, reason: 'database_unavailable', details: { error: (error as Error).message } };
      }
      const info = await store.info().catch(() => null);
      try {
        await store.probeWrite(now().toISOString());
      } catch (error) {
        return { ok: false, reason: 'database_unwritable', details: { ...info, error: (error as Error).message } };
      }
      return { ok: true, details: { ...info } };
    },
  };
}
