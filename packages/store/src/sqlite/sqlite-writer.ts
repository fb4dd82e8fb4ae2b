import { canonicalJson } from '@faramesh/canonical';
import type Database from 'better-sqlite3';
import { applyPatch } from '../apply-patch.js';
import { eventHashWithSnapshot } from '../hash-chain.js';
import { ledgerSnapshot } from '../ledger-snapshot.js';
import {
  type ActionRecord,
  type CreateActionInput,
  type EventRecord,
  GENESIS_HASH,
  type NewEvent,
  StoreError,
  type TransitionInput,
  type TransitionResult,
} from '../store.js';
import type { ActionJson } from '../validate-input.js';
import { migrate } from './migrations.js';
import { ACTION_COLUMNS, type ActionRow, actionToRow, type EventRow, rowToAction, rowToEvent } from './row-mapping.js';
import { statementCache } from './statement-cache.js';
import type { AppendedEvent, CompactCreate } from './write-protocol.js';

const COLUMNS = ACTION_COLUMNS.join(', ');
const SELECT_ACTION = `SELECT ${COLUMNS} FROM actions WHERE id = ?`;
const SELECT_EVENTS = 'SELECT * FROM action_events WHERE action_id = ? ORDER BY seq';
const SELECT_IDEMPOTENT = `SELECT ${COLUMNS} FROM actions
  WHERE coalesce(submitted_by, x'') = coalesce(?, x'') AND idempotency_key = ?`;
const SELECT_TIP = 'SELECT hash FROM action_events ORDER BY seq DESC LIMIT 1';
const INSERT_ACTION = `INSERT INTO actions (${COLUMNS}) VALUES (${ACTION_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_EVENT = `INSERT INTO action_events (id, action_id, event_type, meta, created_at, prev_hash, hash, status, action_snapshot)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATED_COLUMNS = ACTION_COLUMNS.filter((column) => column !== 'id');
const UPDATE_ACTION = `UPDATE actions SET ${UPDATED_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND version = ?`;

export interface SqliteWriter {
  create(input: CreateActionInput, json: ActionJson): CompactCreate;
  transition(input: TransitionInput): TransitionResult;
  migrate(): { from: number; to: number };
}

/**
 * The synchronous write operations on the connection that owns writes. Each runs inside the
 * group-commit transaction (in its own savepoint), so the chain tip read here can't move before
 * the insert.
 */
export function createSqliteWriter(db: Database.Database, location: string): SqliteWriter {
  const sql = statementCache(db);

  const loadAction = (id: string): ActionRecord | null => {
    const row = sql(SELECT_ACTION).get(id) as ActionRow | undefined;
    return row ? rowToAction(row) : null;
  };

  const appendEvents = (actionId: string, events: NewEvent[], at: string, action: ActionRecord): AppendedEvent[] => {
    const snapshot = ledgerSnapshot(action);
    const snapshotJson = canonicalJson(snapshot);
    const tip = sql(SELECT_TIP).get() as { hash: string } | undefined;
    let prevHash = tip?.hash ?? GENESIS_HASH;
    const insert = sql(INSERT_EVENT);
    return events.map((event) => {
      const metaJson = canonicalJson(event.meta);
      const fields = {
        id: event.id,
        action_id: actionId,
        event_type: event.event_type,
        meta: event.meta,
        created_at: at,
      };
      const hash = eventHashWithSnapshot(prevHash, fields, snapshotJson, metaJson);
      const result = insert.run(
        event.id,
        actionId,
        event.event_type,
        metaJson,
        at,
        prevHash,
        hash,
        snapshot.status,
        snapshotJson,
      );
      const appended = { seq: Number(result.lastInsertRowid), prev_hash: prevHash, hash };
      prevHash = hash;
      return appended;
    });
  };

  return {
    create(input, json) {
      const { action: newAction } = input;
      if (newAction.idempotency_key !== null) {
        const existing = sql(SELECT_IDEMPOTENT).get(newAction.submitted_by, newAction.idempotency_key) as
          | ActionRow
          | undefined;
        if (existing) {
          const action = rowToAction(existing);
          const events = (sql(SELECT_EVENTS).all(action.id) as EventRow[]).map(rowToEvent);
          return { action, events, created: false };
        }
      }
      const action: ActionRecord = { ...newAction, updated_at: newAction.created_at, version: 1 };
      // The JSON columns were canonicalized once by validateCreate; reuse those texts.
      const row: ActionRow = { ...action, params: json.params, context: json.context, matched_rule: json.matched_rule };
      sql(INSERT_ACTION).run(...ACTION_COLUMNS.map((column) => row[column]));
      return { created: true, appended: appendEvents(action.id, input.events, action.created_at, action) };
    },

    transition(input) {
      const current = loadAction(input.id);
      if (!current) throw new StoreError('not_found', `action ${input.id} not found`);
      if (current.version !== input.expected_version) {
        throw new StoreError(
          'version_conflict',
          `action ${input.id} is at version ${current.version}, expected ${input.expected_version}`,
        );
      }
      // `current` was parsed from canonical JSON and the patch holds only scalars: no normalizing needed.
      const next = applyPatch(current, input.patch, input.at);
      const row = actionToRow(next);
      const update = sql(UPDATE_ACTION).run(...UPDATED_COLUMNS.map((c) => row[c]), input.id, input.expected_version);
      // Only reachable if another process wrote between our read and update; BEGIN IMMEDIATE rules it out.
      if (update.changes !== 1) throw new StoreError('version_conflict', `action ${input.id} changed concurrently`);
      const appended = appendEvents(next.id, input.events, input.at, next);
      const snapshot = ledgerSnapshot(next);
      const events: EventRecord[] = input.events.map((event, index) => ({
        seq: appended[index]!.seq,
        id: event.id,
        action_id: next.id,
        event_type: event.event_type,
        meta: event.meta,
        created_at: input.at,
        prev_hash: appended[index]!.prev_hash,
        hash: appended[index]!.hash,
        action: snapshot,
      }));
      return { action: next, events };
    },

    migrate() {
      return migrate(db, location);
    },
  };
}
