import { SEARCH_JSON_CHARS } from '../search-text.js';

/**
 * The FTS5 trigram index of the search text (migration 20; 18 and 4 before it). Keyed by the
 * actions row's rowid, with no column beside the text (so no `_content` table), and without
 * trigram positions (`detail = none`): a search asks for every trigram of its text and checks the
 * rows found (list-query.ts). The rowid is what the tail below is cut by too; SQLite keeps rowids
 * through VACUUM, and an archive removes the entries of the rows it removes (sqlite-archive.ts).
 */
export const SEARCH_TABLE = 'actions_search_text';

/** The search text of search-text.ts as SQL over the actions row; the index and the scans share it. */
export const SEARCH_TEXT = `(agent_id || char(10) || tool || char(10) || operation || char(10) ||
  substr(params, 1, ${SEARCH_JSON_CHARS}) || char(10) || substr(context, 1, ${SEARCH_JSON_CHARS}))`;

/**
 * The search index holds every action up to a rowid (`search_indexed.upto`, migration 19); the newer
 * ones, the tail, are found by a scan of SEARCH_TEXT (list-query.ts), so a search sees an action as
 * soon as its submission is acknowledged. The writer indexes the tail inside the group commit that
 * makes it SEARCH_INDEX_ROWS long, with one INSERT … SELECT. FTS5 writes a segment per statement and
 * merges segments level by level, so the batch size sets the cost per action (raw better-sqlite3,
 * 40,000 generated rows: 16 µs per action in batches of 64, 11 at 1,024, 7.6 at 8,192); it also
 * bounds the scan (about a millisecond for 1,024 rows). Migration 4's per-row trigger cost 45 µs.
 */
export const SEARCH_INDEX_ROWS = 1024;

/** The rowid up to which every action is in SEARCH_TABLE. */
export const SEARCH_INDEXED_UPTO = 'SELECT upto FROM search_indexed WHERE id = 1';

/** Indexes the tail: the actions above the indexed rowid, in rowid order. */
export const INDEX_SEARCH_TAIL = `INSERT INTO ${SEARCH_TABLE} (rowid, text)
  SELECT rowid, lower${SEARCH_TEXT} FROM actions WHERE rowid > ? ORDER BY rowid`;

/**
 * Moves the indexed rowid to the newest action after indexing the tail; after an archive removed
 * rows, down to the newest one left, so rowids SQLite hands out again (max + 1) land in the tail.
 */
export const SET_SEARCH_INDEXED = `UPDATE search_indexed SET upto = coalesce((SELECT max(rowid) FROM actions), 0) WHERE id = 1`;
export const LOWER_SEARCH_INDEXED = `UPDATE search_indexed
  SET upto = min(upto, coalesce((SELECT max(rowid) FROM actions), 0)) WHERE id = 1`;
