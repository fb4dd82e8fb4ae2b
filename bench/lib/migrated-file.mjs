import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh SQLite file in a temporary directory (`prefix`), migrated by the given build's
 * `createSqliteStore` and closed again, for a benchmark to fill with raw rows. The caller removes `dir`.
 */
export async function migratedFile(createSqliteStore, prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'bench.db');
  const store = createSqliteStore({ path });
  await store.migrate();
  await store.close();
  return { dir, path };
}
