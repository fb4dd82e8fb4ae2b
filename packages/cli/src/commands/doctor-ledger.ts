import { existsSync } from 'node:fs';
import type { ServerConfig } from '@faramesh/server';
import type { Check } from './doctor.js';

type LedgerDoctorConfig = Pick<ServerConfig, 'dbBackend' | 'sqlitePath' | 'ledger'>;

/**
 * The ledger's integrity setup: whether re-hashing can be detected at all (a checkpoint key), where
 * checkpoints go, and, for an existing SQLite database, the same quick consistency checks the
 * server runs at start (it refuses writes when they fail).
 */
export async function ledgerCheck(config: LedgerDoctorConfig): Promise<Check> {
  const { key, checkpointFile, checkpointIntervalSeconds } = config.ledger;
  const details: string[] = [];
  if (key === null) {
    details.push(
      "No FARAMESH_LEDGER_KEY: checkpoints are unsigned, so re-hashing the ledger after an edit can't be detected (make a key with `faramesh audit keygen`)",
    );
  }
  if (checkpointFile === null) {
    details.push(
      "No FARAMESH_CHECKPOINT_FILE: cutting the newest events together with the database checkpoints can't be detected",
    );
  }
  const schedule = checkpointIntervalSeconds === 0 ? 'on demand only' : `every ${checkpointIntervalSeconds} s`;
  const setup = `key ${key === null ? 'none' : key.keyId}, checkpoints ${schedule}${checkpointFile ? ` + ${checkpointFile}` : ''}`;
  if (config.dbBackend === 'sqlite' && existsSync(config.sqlitePath)) {
    const problems = await quickCheckSqlite(config);
    if (problems === null) details.push('The database is not migrated yet: its ledger was not checked');
    else if (problems.length > 0) {
      return {
        name: 'ledger',
        status: 'fail',
        message: `Ledger inconsistent: the server will refuse writes (${setup})`,
        details: [...problems, ...details],
      };
    }
  }
  return {
    name: 'ledger',
    status: details.length > 0 ? 'warn' : 'ok',
    message: `Ledger integrity: ${setup}`,
    details,
  };
}

async function quickCheckSqlite(config: LedgerDoctorConfig): Promise<string[] | null> {
  const { createSqliteStore, SCHEMA_VERSION } = await import('@faramesh/store');
  const { quickLedgerCheck } = await import('@faramesh/server');
  const store = createSqliteStore({ path: config.sqlitePath });
  try {
    if ((await store.info()).schema_version !== SCHEMA_VERSION) return null;
    const { key, checkpointFile } = config.ledger;
    const problems = await quickLedgerCheck(store.ledger, { key, checkpointFile });
    return problems.map((p) => `${p.kind}: ${p.message}`);
  } finally {
    await store.close().catch(() => {});
  }
}
