import type { Database } from 'better-sqlite3';
import { SEARCH_INDEXED_UPTO, SEARCH_TABLE, SEARCH_TEXT } from '../search-batch.js';
import type { Migration } from './migration.js';

/**
 * Schemas from 20: the search index without positions; limit usage counted at one instant in order;
 * counted usage appended unindexed; named settings.
 */
export const MIGRATIONS_20_24: readonly Migration[] = [
  {
    version: 20,
    name: 'search index without positions (detail=none)',
    // The trigram index kept every trigram's positions, which only phrase queries use. Without them
    // (FTS5 `detail = none`) an action costs ~35% less to index and the index a third of the bytes;
    // a search asks for all of a form's trigrams and checks the text of the rows found
    // (list-query.ts). The index is now keyed by the actions rowid, so a row found is one rowid
    // lookup away and no `_content` table holds packed ids beside it (search-batch.ts).
    sql: `
      INSERT INTO ${SEARCH_TABLE} (${SEARCH_TABLE}) VALUES ('delete-all');
      DROP TABLE ${SEARCH_TABLE};
    `,
    run: rebuildSearchIndex,
  },
  {
    version: 21,
    name: 'limit usage counted at the same instant carries totals in the order it was counted',
    // Rows counted in the same millisecond shared one running total, so each one after the first
    // read the total at its instant and shifted the others (~2 µs a row; under load most rows of a
    // busy bucket tie). A row now takes the newest total plus its amount, and readers take the
    // largest running at an instant (sqlite-limit-usage.ts), which the rows stored before give too.
    // Nothing to rewrite; the version keeps builds that read one row per instant off these files.
    sql: 'SELECT 1',
  },
  {
    version: 22,
    name: 'counted limit usage appended unindexed, moved into the index in sorted batches',
    // Each counted row went straight into limit_usage_running, dirtying its bucket's newest index
    // page: over many buckets a commit of ~64 submissions wrote ~64 more pages. Rows counted in
    // order are now appended here, read from a mirror in memory, and moved into limit_usage
    // thousands at a time, sorted by bucket (recent-usage.ts). Same columns, every row counted.
    sql: `
      CREATE TABLE limit_usage_recent (
        action_id TEXT NOT NULL,
        limit_key TEXT NOT NULL,
        amount REAL NOT NULL,
        counted_at TEXT NOT NULL,
        running REAL NOT NULL
      );
    `,
  },
  {
    version: 23,
    name: 'named settings every replica and restart agree on',
    // One row per name (settings/settings-store.ts), changed by compare-and-set: first the id of the
    // key redacted values are digested with, so a server started with another key refuses to start.
    // A rowid table like the others: `faramesh migrate` pages side tables by rowid.
    sql: `
      CREATE TABLE settings (
        name TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        set_at TEXT NOT NULL
      );
    `,
  },
];

function rebuildSearchIndex(db: Database): void {
  // FTS5 leaves a contentless_unindexed table's emptied `_content` table behind on DROP (migration
  // 18 left migration 4's too). They are dropped with SQLite's defensive mode off for these two
  // statements only: nothing else may drop a shadow table.
  db.unsafeMode(true);
  try {
    db.exec(`DROP TABLE IF EXISTS ${SEARCH_TABLE}_content; DROP TABLE IF EXISTS actions_search_content;`);
  } finally {
    db.unsafeMode(false);
  }
  db.exec(`
    CREATE VIRTUAL TABLE ${SEARCH_TABLE} USING fts5(
      text, content = '', columnsize = 0, detail = none, tokenize = 'trigram case_sensitive 1'
    );
    INSERT INTO ${SEARCH_TABLE} (rowid, text)
      SELECT rowid, lower${SEARCH_TEXT} FROM actions WHERE rowid <= (${SEARCH_INDEXED_UPTO}) ORDER BY rowid;
  `);
}
