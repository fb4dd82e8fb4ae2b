import { SEARCH_JSON_CHARS } from '../search-text.js';
import { packUuidSql, uuidTextSql } from './compact-ids.js';

/**
 * The FTS5 trigram index of the search text (migration 18; migration 4's `actions_search` before).
 * The text is its first column: FTS5 marks every entry of a later column with its number, which
 * cost two bytes per trigram and row (489 → 315 bytes per generated action). The action id beside
 * it is packed as compact-ids.ts packs the ledger's (SEARCH_ACTION_ID reads it back as text).
 */
export const SEARCH_TABLE = 'actions_search_text';

/** The text id of a SEARCH_TABLE row, for `id IN (…)` on the actions table. */
export const SEARCH_ACTION_ID = uuidTextSql('action_id');

/** The search text of search-text.ts as SQL over the actions row; the index and the scans share it. */
export const SEARCH_TEXT = `(agent_id || char(10) || tool || char(10) || operation || char(10) ||
  substr(params, 1, ${SEARCH_JSON_CHARS}) || char(10) || substr(context, 1, ${SEARCH_JSON_CHARS}))`;

/**
 * Indexes for search (SEARCH_TABLE) every action at or above a rowid, once per
 * group commit, inside its transaction, so a search sees an action as soon as its submission is
 * acknowledged. Migration 4's per-row trigger did the same work, but FTS5 flushes its pending terms
 * into a new segment at each statement's savepoint, so it wrote one tiny segment (and merged it
 * later) per action: 45 µs per row against 15 µs for one INSERT … SELECT per batch of 64 (raw
 * better-sqlite3, 40,000 rows).
 */
export const INDEX_SEARCH_FROM = `INSERT INTO ${SEARCH_TABLE} (action_id, text)
  SELECT ${packUuidSql('id')}, lower${SEARCH_TEXT} FROM actions WHERE rowid >= ? ORDER BY rowid`;
