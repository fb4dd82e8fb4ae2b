import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../../store/src/postgres/postgres-cluster.test-support.js';
import type { ThrowawayCluster } from '../../../../store/src/postgres/throwaway-cluster.js';
import { Checkpointer } from '../checkpointer.js';
import { auditLedger } from '../ledger-audit.js';
import { generateLedgerKey, parseSigningKey } from '../ledger-key.js';
import { LedgerMonitor } from '../ledger-monitor.js';
import { quickLedgerCheck } from '../quick-check.js';
import { appliesTo, expectedKinds, SETUPS, type Setup, TAMPER_CASES } from './tamper-cases.test-support.js';
import { buildFixture, type Dialect, type RawDb, rawPostgres, rawSqlite } from './tamper-db.test-support.js';

interface Database {
  open(): Store;
  raw(): Promise<RawDb>;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-tamper-'));
  dirs.push(dir);
  return dir;
};
const now = () => new Date('2030-03-01T00:00:00.000Z');

/** Builds the fixture, checkpoints it (signed setup), tampers behind the store's back, verifies. */
async function runCase(database: Database, setup: Setup, tamper: (typeof TAMPER_CASES)[number]['tamper']) {
  const dir = tempDir();
  const key = setup === 'signed' ? parseSigningKey(generateLedgerKey().secret) : null;
  const checkpointFile = setup === 'signed' ? join(dir, 'checkpoints.jsonl') : null;
  let store = database.open();
  await store.migrate();
  const f = await buildFixture(store);
  if (setup === 'signed') {
    const options = { key, checkpointFile };
    const monitor = new LedgerMonitor(() => quickLedgerCheck(store.ledger, options), now);
    await new Checkpointer({ ledger: store.ledger, monitor, key, file: checkpointFile, now }).checkpoint();
  }
  const before = await auditLedger(store, { key, checkpointFile });
  await store.close();
  const db = await database.raw();
  store = database.open();
  try {
    await tamper({ db, f, store });
  } finally {
    await db.close();
    await store.close();
  }
  store = database.open();
  try {
    return { before, after: await auditLedger(store, { key, checkpointFile }) };
  } finally {
    await store.close();
  }
}

function describeTamperCases(dialect: Dialect, database: () => Promise<Database>): void {
  for (const setup of SETUPS) {
    describe(`${dialect}, ${setup === 'plain' ? 'no key, no checkpoint' : 'key + signed checkpoint in the database and a file'}`, () => {
      for (const c of TAMPER_CASES.filter((c) => appliesTo(c, dialect, setup))) {
        const kinds = expectedKinds(c, dialect, setup);
        const outcome = kinds.length === 0 ? 'is not detected' : `is caught by ${kinds.join(', ')}`;
        it(`${c.name}: ${outcome}`, async () => {
          const { before, after } = await runCase(await database(), setup, c.tamper);
          expect(before.problems).toEqual([]);
          expect(Object.keys(after.problem_kinds).sort()).toEqual(kinds);
          expect(after.ok).toBe(kinds.length === 0);
        });
      }
    });
  }
}

describeTamperCases('sqlite', async () => {
  const path = join(tempDir(), 'actions.db');
  return { open: () => createSqliteStore({ path }), raw: async () => rawSqlite(path) };
});

describeWithPostgres('ledger tampering on postgres', (cluster: () => Promise<ThrowawayCluster>) => {
  describeTamperCases('postgres', async () => {
    const dsn = await (await cluster()).createDatabase();
    return { open: () => createPostgresStore({ dsn, poolSize: 2 }), raw: () => rawPostgres(dsn) };
  });
});
