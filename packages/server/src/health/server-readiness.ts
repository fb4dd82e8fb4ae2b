import type { Store } from '@faramesh/store';
import type { LedgerIntegrity } from '../audit/ledger-integrity.js';
import type { ServerConfig } from '../config/config.js';
import { channelsCheck } from '../notify/channels-ready.js';
import type { StartedNotifications } from '../notify/start-notifications.js';
import type { PolicyHolder } from '../policy/policy-holder.js';
import { databaseCheck } from './database-check.js';
import { diskSpaceCheck } from './disk-space-check.js';
import { ledgerCheck } from './ledger-check.js';
import { policyCheck } from './policy-check.js';
import { Readiness } from './readiness.js';

export interface ReadinessParts {
  config: ServerConfig;
  store: Store;
  /** The store was opened from the config (not passed in), so its SQLite file's disk is watched. */
  ownStore: boolean;
  policy: PolicyHolder;
  notifications: StartedNotifications;
  ledger: LedgerIntegrity;
  now: () => Date;
  cacheMs: number;
}

/** The /ready checks of a server: database, disk (own SQLite file), policy, channels and ledger. */
export function serverReadiness(parts: ReadinessParts): Readiness {
  const { config, store, now } = parts;
  const readiness = new Readiness({ cacheMs: parts.cacheMs, timeoutMs: 5000, now });
  readiness.add(databaseCheck(store, now));
  if (config.dbBackend === 'sqlite' && parts.ownStore) {
    readiness.add(diskSpaceCheck(config.sqlitePath, config.minFreeBytes));
  }
  readiness.add(policyCheck(parts.policy));
  readiness.add(channelsCheck(parts.notifications.reload));
  readiness.add(ledgerCheck(parts.ledger));
  return readiness;
}
