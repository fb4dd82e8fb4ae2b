import { canonicalJson } from '@faramesh/canonical';
import { PATCHABLE } from '../apply-patch.js';
import type { ActionRecord } from '../store.js';
import { unpackHash } from './compact-ids.js';
import { ACTION_COLUMNS } from './row-mapping.js';

/**
 * How SQLite keeps an event's action snapshot since schema 18 without repeating the action row.
 *
 * Of an action's fields only the ones a transition may change (and `version`, `updated_at`) differ
 * between its versions; the rest (id, params, context, decision, …) are written once, with the
 * row, and never change. So an event stores only those varying fields, and only where they differ
 * from their value at creation: `status` from the event's own status column, `updated_at` the
 * action's created_at, `version` 1, `approval` absent, every other one null. The snapshot is the
 * action row's fixed fields plus that patch, and its canonical JSON is byte for byte what was
 * hashed (a test pins it for every kind of write).
 */
const VARYING: readonly string[] = [...new Set<string>([...PATCHABLE, 'version', 'updated_at'])];

type Fields = Record<string, unknown>;

function initial(key: string, status: string, createdAt: string): unknown {
  switch (key) {
    case 'status':
      return status;
    case 'updated_at':
      return createdAt;
    case 'version':
      return 1;
    case 'approval':
      return undefined;
    default:
      return null;
  }
}

/** The patch text of a snapshot whose event stores `status`: null when nothing differs from creation. */
export function snapshotPatch(snapshot: ActionRecord, status: string): string | null {
  const fields = snapshot as unknown as Fields;
  let patch: Fields | null = null;
  for (const key of VARYING) {
    const value = fields[key];
    if (value === initial(key, status, snapshot.created_at)) continue;
    if (value === undefined && !(key in fields)) continue;
    patch ??= {};
    patch[key] = value;
  }
  return patch === null ? null : canonicalJson(patch);
}

/** The fields of a snapshot in canonical (sorted) order; `approval` is the one that may be absent. */
const SNAPSHOT_KEYS: readonly string[] = [...ACTION_COLUMNS].sort();
const VARYING_SET = new Set(VARYING);
const JSON_COLUMNS = new Set<string>(['params', 'context', 'matched_rule', 'approval']);
/** Digests the row may hold as bytes (row-mapping.ts, storedActionRow). */
const DIGEST_COLUMNS = new Set<string>(['policy_hash', 'request_hash']);
/** Fixed columns an action (and so its snapshot) lacks while they are NULL (rowToAction): schema 15's grant_id. */
const OPTIONAL_COLUMNS = new Set<string>(['grant_id']);

/** The columns of the action row a snapshot takes as they are: the ones no transition changes. */
export const FIXED_COLUMNS: readonly string[] = ACTION_COLUMNS.filter((column) => !VARYING_SET.has(column));

/** The row's columns a snapshot reads (FIXED_COLUMNS suffice), as stored: JSON columns as their text. */
export type FixedRow = Partial<Record<(typeof ACTION_COLUMNS)[number], unknown>>;

/** The parsed patch (null: none), or the text of the whole snapshot when it names fields no patch has. */
function parsePatch(row: FixedRow, status: string, patch: string | null): Fields | string | null {
  if (patch === null) return null;
  const parsed: unknown = JSON.parse(patch);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SyntaxError('the snapshot patch is not a JSON object');
  }
  const changes = parsed as Fields;
  return Object.keys(changes).some((key) => !VARYING_SET.has(key)) ? withOtherFields(row, status, changes) : changes;
}

/**
 * The canonical JSON of the snapshot an event holds: the action row's fixed fields (its JSON columns
 * are canonical text already, and are copied, not re-serialized) with the varying fields as of the
 * event. Byte for byte what was hashed when the row is as written; any edit of it changes the text.
 * Throws SyntaxError when the patch isn't a JSON object.
 */
export function snapshotText(row: FixedRow, status: string, patch: string | null): string {
  const changes = parsePatch(row, status, patch);
  if (typeof changes === 'string') return changes;
  const createdAt = row.created_at;
  let text = '{';
  for (const key of SNAPSHOT_KEYS) {
    let value: string | undefined;
    if (changes !== null && Object.hasOwn(changes, key)) {
      value = changes[key] === undefined ? undefined : canonicalJson(changes[key]);
    } else if (VARYING_SET.has(key)) {
      const initialValue = initial(key, status, createdAt as string);
      value = initialValue === undefined ? undefined : JSON.stringify(initialValue);
    } else {
      const column = row[key as keyof FixedRow];
      if ((column === null || column === undefined) && OPTIONAL_COLUMNS.has(key)) continue;
      if (column === null || column === undefined) value = 'null';
      else if (JSON_COLUMNS.has(key)) value = String(column);
      else value = JSON.stringify(DIGEST_COLUMNS.has(key) ? unpackHash(column) : column);
    }
    if (value === undefined) continue;
    text += `${text.length === 1 ? '' : ','}"${key}":${value}`;
  }
  return `${text}}`;
}

/** A patch naming fixed or unknown fields (only an edit writes one): they override, keys re-sorted. */
function withOtherFields(row: FixedRow, status: string, changes: Fields): string {
  const varying: Fields = {};
  for (const key of VARYING) if (Object.hasOwn(changes, key)) varying[key] = changes[key];
  const fields = JSON.parse(snapshotText(row, status, canonicalJson(varying))) as Fields;
  for (const [key, value] of Object.entries(changes)) {
    // No snapshot has this key; assigning it would set the object's prototype instead.
    if (key === '__proto__') throw new SyntaxError('the snapshot patch names __proto__');
    fields[key] = value;
  }
  return canonicalJson(fields);
}
