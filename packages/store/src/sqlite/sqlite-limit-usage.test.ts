import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { expectBackfilledUsage, SCHEMA_16_ROWS } from '../contract/limit-usage-backfill.test-support.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { createSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('backfills the running totals of usage rows stored before them, so windows sum as before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-limit-usage-'));
  dirs.push(dir);
  const path = join(dir, 'v16.db');
  const store = createSqliteStore({ path });
  await store.migrate();
  await store.close();
  const raw = new Database(path);
  raw.exec(`DROP INDEX limit_usage_running; ALTER TABLE limit_usage DROP COLUMN running;
    CREATE INDEX limit_usage_window ON limit_usage (limit_key, counted_at, amount) WHERE counted_at IS NOT NULL;
    DELETE FROM schema_migrations WHERE version >= 17`);
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
