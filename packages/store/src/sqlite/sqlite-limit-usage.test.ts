import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { expectBackfilledUsage, SCHEMA_16_ROWS } from '../contract/limit-usage-backfill.test-support.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('backfills the running totals of usage rows stored before them, so windows sum as before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-limit-usage-'));
  dirs.push(dir);
  const path = join(dir, 'v16.db');
  // A file as the schema-16 build made it: the migrations up to 16, then its usage rows.
  const raw = new Database(path);
  migrate(
    raw,
    path,
    MIGRATIONS.filter((m) => m.version <= 16),
  );
  const insert = raw.prepare('INSERT INTO limit_usage (action_id, limit_key, amount, counted_at) VALUES (?, ?, ?, ?)');
  for (const row of SCHEMA_16_ROWS) insert.run(...row);
  raw.close();
  const reopened = createSqliteStore({ path });
  try {
    expect(await reopened.migrate()).toEqual({ from: 16, to: SCHEMA_VERSION });
    await expectBackfilledUsage(reopened);
  } finally {
    await reopened.close();
  }
});
