import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { afterAll, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';
import { auditLedger } from './ledger-audit.js';
import { LedgerMonitor } from './ledger-monitor.js';
import { quickLedgerCheck } from './quick-check.js';
import { buildFixture } from './tamper/tamper-db.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'faramesh-checkpoint-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = () => new Date('2030-03-01T00:00:00.000Z');

describe('a named checkpoint file that does not exist', () => {
  it('is only a limitation before any checkpoint was made, and a problem once one was', async () => {
    const store = createSqliteStore({ path: join(dir, 'ledger.db') });
    await store.migrate();
    await buildFixture(store);
    const checkpointFile = join(dir, 'checkpoints.jsonl');
    const options = { key: null, checkpointFile };
    // A new server: its first checkpoint comes a while after it starts.
    const fresh = await auditLedger(store, options);
    expect(fresh.ok).toBe(true);
    expect(fresh.limitations[0]).toBe(
      `The checkpoint file ${checkpointFile} doesn't exist yet and no checkpoint was made: the server writes the first one a while after it starts.`,
    );
    const monitor = new LedgerMonitor(() => quickLedgerCheck(store.ledger, options), now);
    await new Checkpointer({ ledger: store.ledger, monitor, key: null, file: checkpointFile, now }).checkpoint();
    expect((await auditLedger(store, options)).ok).toBe(true);
    // The file deleted after a checkpoint was made is what the named file is there to catch.
    rmSync(checkpointFile);
    const deleted = await auditLedger(store, options);
    expect(deleted.ok).toBe(false);
    expect(deleted.problems.map((p) => p.kind)).toContain('checkpoint_file_invalid');
    await store.close();
  });
});
