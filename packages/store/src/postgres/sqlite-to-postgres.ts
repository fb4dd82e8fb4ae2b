import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { verifyLedger } from '../hash-chain.js';
import { SCHEMA_VERSION } from '../schema-version.js';
import { unpackHash } from '../sqlite/compact-ids.js';
import { appliedVersion } from '../sqlite/migrations.js';
import { type ActionRow, type EventRow, rowToEvent, textActionRow } from '../sqlite/row-mapping.js';
import {
  SELECT_OWNERS,
  STORED_EVENT_COLUMNS,
  type StoredEventRow,
  storedEventReader,
} from '../sqlite/stored-events.js';
import { GENESIS_HASH, StoreError } from '../store.js';
import { LEDGER_CHANNEL, LEDGER_LOCK } from './advisory-locks.js';
import { describeDsn } from './describe-dsn.js';
import { toStoreError } from './postgres-errors.js';
import { createPostgresStore } from './postgres-store.js';

export interface SqliteToPostgresOptions {
  sqlitePath: string;
  dsn: string;
  /** Rows per INSERT. Default 1000. */
  batchSize?: number;
  onProgress?: (progress: { table: 'actions' | 'action_events'; copied: number; total: number }) => void;
}

export interface SqliteToPostgresResult {
  actions: number;
  events: number;
  /** True when the target already held exactly this ledger (a repeated run): nothing was written. */
  alreadyMigrated: boolean;
  /** Hash of the last event, for anchoring. */
  headHash: string;
  /** Rows copied per table beside the ledger (tokens, sessions, outbox, …); empty on a repeated run. */
  sideRows?: Record<string, number>;
}

interface LedgerHead {
  actions: number;
  events: number;
  headHash: string;
}

/**
 * Copies a SQLite database into an empty PostgreSQL one: every action and every ledger event with
 * its seq, hashes and snapshot unchanged, so the hash chain still verifies afterwards (it is checked
 * before COMMIT). Runs in one transaction under the ledger lock, in batches: an interrupted run leaves
 * the target empty. Idempotent: when the target already holds the same ledger it reports
 * `alreadyMigrated`; any other non-empty target is refused with `invalid_input`.
 */
export async function migrateSqliteToPostgres(options: SqliteToPostgresOptions): Promise<SqliteToPostgresResult> {
  const sqlitePath = resolve(options.sqlitePath);
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  if (!existsSync(sqlitePath)) throw new StoreError('not_found', `${sqlitePath} does not exist`);
  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const target = describeDsn(options.dsn);
  try {
    const version = appliedVersion(source);
    if (version !== SCHEMA_VERSION) {
      throw new StoreError(
        version > SCHEMA_VERSION ? 'schema_too_new' : 'invalid_input',
        `${sqlitePath} has schema version ${version}; this build migrates version ${SCHEMA_VERSION} (open it with \`faramesh serve\` once to upgrade it)`,
      );
    }
    const head = sqliteHead(source);
    // An archived ledger starts past seq 1 and chains to its archive record; copying one would need
    // the retained events and archive records carried over and verified from the archive.
    if ((source.prepare('SELECT count(*) AS n FROM ledger_archives').get() as { n: number }).n > 0) {
      throw new StoreError(
        'invalid_input',
        `${sqlitePath} was archived (faramesh archive); copying an archived ledger into PostgreSQL is not supported`,
      );
    }

    // Creates the schema (or checks that it isn't newer than this build).
    const store = createPostgresStore({ dsn: options.dsn, poolSize: 1 });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }

    const client = new pg.Client({ connectionString: options.dsn, application_name: 'faramesh migrate' });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', LEDGER_LOCK);
      const existing = await postgresHead(client);
      if (existing.actions > 0 || existing.events > 0) {
        await client.query('ROLLBACK');
        if (
          existing.actions === head.actions &&
          existing.events === head.events &&
          existing.headHash === head.headHash
        ) {
          return { ...head, alreadyMigrated: true };
        }
        throw new StoreError(
          'invalid_input',
          `${target} already holds ${existing.actions} actions and ${existing.events} events that are not this database's; migrate into an empty database`,
        );
      }
      await copyTable(source, client, 'actions', 'rowid', head.actions, batchSize, options.onProgress);
      await copyTable(source, client, 'action_events', 'seq', head.events, batchSize, options.onProgress);
      await verifyCopied(client, head, batchSize);
      await copyLedgerBookkeeping(source, client);
      const sideRows = await copySideTables(source, client, batchSize);
      await client.query('SELECT pg_notify($1, $2)', [LEDGER_CHANNEL, String(head.events)]);
      await client.query('COMMIT');
      return { ...head, alreadyMigrated: false, sideRows };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw toStoreError(error, `copying into ${target}`);
    } finally {
      await client.end().catch(() => {});
    }
  } finally {
    source.close();
  }
}

function sqliteHead(db: Database.Database): LedgerHead {
  const actions = (db.prepare('SELECT count(*) AS n FROM actions').get() as { n: number }).n;
  const events = (db.prepare('SELECT count(*) AS n FROM action_events').get() as { n: number }).n;
  const last = db.prepare('SELECT hash FROM action_events ORDER BY seq DESC LIMIT 1').get() as
    | { hash: unknown }
    | undefined;
  return { actions, events, headHash: last === undefined ? GENESIS_HASH : unpackHash(last.hash) };
}

async function postgresHead(client: pg.Client): Promise<LedgerHead> {
  const { rows } = await client.query<{ actions: string; events: string; hash: string | null }>(
    `SELECT (SELECT count(*) FROM actions) AS actions, (SELECT count(*) FROM action_events) AS events,
            (SELECT hash FROM action_events ORDER BY seq DESC LIMIT 1) AS hash`,
  );
  const row = rows[0];
  return { actions: Number(row?.actions ?? 0), events: Number(row?.events ?? 0), headHash: row?.hash ?? GENESIS_HASH };
}

/** Keyset-paged copy: rows go over as JSON and are unpacked into the same columns. */
async function copyTable(
  source: Database.Database,
  client: pg.Client,
  table: 'actions' | 'action_events',
  key: 'rowid' | 'seq',
  total: number,
  batchSize: number,
  onProgress: SqliteToPostgresOptions['onProgress'],
): Promise<void> {
  // Events are read back with whole snapshots, ids and hashes as text (stored-events.ts): PostgreSQL
  // keeps one snapshot per event. Action rows go over with their compact columns as text (grant_id
  // and approval as they are). The actions' event_seqs column has no PostgreSQL counterpart;
  // json_populate_recordset skips it.
  const events = table === 'action_events';
  const page = source.prepare(
    `SELECT e.${key} AS k, ${events ? STORED_EVENT_COLUMNS : '*'} FROM ${table} e WHERE e.${key} > ? ORDER BY e.${key} LIMIT ?`,
  );
  const owners = source.prepare(SELECT_OWNERS);
  let after = 0;
  let copied = 0;
  for (;;) {
    const rows = page.all(after, batchSize) as ({ k: number } & Record<string, unknown>)[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.k;
    const reader = storedEventReader((ids) => owners.all(JSON.stringify(ids)) as ActionRow[]);
    if (events) reader.preload(rows as unknown as StoredEventRow[]);
    const json = JSON.stringify(
      rows.map(({ k: _k, ...row }) =>
        events ? reader.resolved(row as unknown as StoredEventRow) : textActionRow(row as Partial<ActionRow>),
      ),
    );
    await client.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [json]);
    copied += rows.length;
    onProgress?.({ table, copied, total });
  }
  if (copied !== total) {
    throw new StoreError(
      'unavailable',
      `${table} changed while copying (${copied} rows, expected ${total}); stop the server first`,
    );
  }
}

/** Re-reads the copied ledger inside the transaction and verifies the whole chain before COMMIT. */
async function verifyCopied(client: pg.Client, head: LedgerHead, batchSize: number): Promise<void> {
  let after = 0;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const { rows } = await client.query<EventRow>('SELECT * FROM action_events WHERE seq > $1 ORDER BY seq LIMIT $2', [
      after,
      batchSize,
    ]);
    if (rows.length === 0) break;
    const events = rows.map((row) => rowToEvent({ ...row, seq: Number(row.seq) }));
    const verdict = verifyLedger(events, { prevHash });
    if (!verdict.ok)
      throw new StoreError('corrupt', `copied ledger fails verification at seq ${verdict.seq}: ${verdict.reason}`);
    const last = events[events.length - 1]!;
    after = last.seq;
    prevHash = last.hash;
    count += events.length;
  }
  if (count !== head.events || prevHash !== head.headHash) {
    throw new StoreError('corrupt', 'copied ledger does not end where the SQLite ledger ends');
  }
}

/**
 * The high-water mark goes over as it is (not recomputed from the copied events), so a gap the
 * SQLite ledger had stays visible; checkpoints go over unchanged, keeping their signatures valid.
 */
async function copyLedgerBookkeeping(source: Database.Database, client: pg.Client): Promise<void> {
  const head = source.prepare('SELECT seq, hash FROM ledger_head WHERE id = 1').get() as
    | { seq: number; hash: unknown }
    | undefined;
  if (head === undefined) throw new StoreError('corrupt', 'the SQLite ledger high-water row is missing');
  await client.query('UPDATE ledger_head SET seq = $1, hash = $2 WHERE id = 1', [head.seq, unpackHash(head.hash)]);
  const page = source.prepare(
    'SELECT id, seq, hash, at, key_id, signature FROM ledger_checkpoints WHERE id > ? ORDER BY id LIMIT 1000',
  );
  let after = 0;
  for (;;) {
    const rows = page.all(after) as { id: number }[];
    const last = rows.at(-1);
    if (last === undefined) break;
    after = last.id;
    await client.query(
      'INSERT INTO ledger_checkpoints (seq, hash, at, key_id, signature) SELECT seq, hash, at, key_id, signature FROM json_populate_recordset(NULL::ledger_checkpoints, $1::json) ORDER BY id',
      [JSON.stringify(rows)],
    );
  }
}

/**
 * Tables whose rows are the ledger (copied and verified above) or can't be copied as they are:
 * bookkeeping copied above, the search index (PostgreSQL builds its own; every table named
 * actions_search…: schema 18's actions_search_text, its FTS5 shadow tables, and the emptied
 * actions_search_content that migration 18 leaves behind, and search_indexed, the mark of how far
 * it is filled), the readiness probe row.
 */
const NOT_SIDE_TABLES = new Set([
  'actions',
  'action_events',
  'schema_migrations',
  'ledger_head',
  'ledger_checkpoints',
  // An archived database is refused above; its (empty) archive table has nothing to copy.
  'ledger_archives',
  'readiness_probe',
  // Migration 19: how far SQLite's search index has been filled (PostgreSQL indexes every row).
  'search_indexed',
]);

/**
 * SQLite tables whose rows go into another PostgreSQL table: counted limit usage not yet moved into
 * SQLite's index (migration 22) is usage like any other. Copied after its target's own rows (the
 * tables go in name order), so each bucket's rows arrive in counting order.
 */
const COPIED_INTO: Readonly<Record<string, string>> = { limit_usage_recent: 'limit_usage' };

/**
 * Side tables whose copied rows replace the target's: a server started on the empty database may
 * have recorded its settings (its redaction key id) already, but the ledger copied here was written
 * under the SQLite database's, so those win.
 */
const REPLACING: Readonly<Record<string, string>> = {
  settings: 'ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, set_at = EXCLUDED.set_at',
};

/**
 * Every other table (API tokens, login sessions, the notification outbox, and whatever later
 * migrations add) goes over row for row by column name, in the same transaction: a table this build
 * doesn't know in PostgreSQL, or a row PostgreSQL refuses, fails the whole migration rather than
 * leaving something behind silently.
 */
async function copySideTables(
  source: Database.Database,
  client: pg.Client,
  batchSize: number,
): Promise<Record<string, number>> {
  const tables = (
    source
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'actions_search%' ORDER BY name",
      )
      .all() as { name: string }[]
  )
    .map((row) => row.name)
    .filter((name) => !NOT_SIDE_TABLES.has(name));
  const copied: Record<string, number> = {};
  for (const table of tables) {
    const target = COPIED_INTO[table] ?? table;
    const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [target]);
    if (rows[0]?.exists !== true) {
      throw new StoreError('invalid_input', `the SQLite table ${table} has no PostgreSQL counterpart in this build`);
    }
    const page = source.prepare(`SELECT rowid AS k, * FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`);
    let after = 0;
    copied[target] ??= 0;
    for (;;) {
      const batch = page.all(after, batchSize) as ({ k: number } & Record<string, unknown>)[];
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.k;
      const json = JSON.stringify(batch.map(({ k: _k, ...row }) => row));
      await client.query(
        `INSERT INTO "${target}" SELECT * FROM json_populate_recordset(NULL::"${target}", $1::json) ${REPLACING[target] ?? ''}`,
        [json],
      );
      copied[target] = (copied[target] ?? 0) + batch.length;
    }
  }
  return copied;
}
