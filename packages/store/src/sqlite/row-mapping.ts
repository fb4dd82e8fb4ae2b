import { canonicalJson } from '@faramesh/canonical';
import type { ActionRecord, EventRecord } from '../store.js';
import { packHash, unpackHash } from './compact-ids.js';

/** Column order of the actions table; the insert statement and the row mapping both follow it. */
export const ACTION_COLUMNS = [
  'id',
  'agent_id',
  'tool',
  'operation',
  'params',
  'context',
  'status',
  'decision',
  'reason',
  'reason_code',
  'risk_level',
  'risk_rule',
  'matched_rule',
  'policy_version',
  'policy_hash',
  'request_hash',
  'approval_token',
  'approval_expires_at',
  'approval_decided_by',
  'approval_decided_at',
  'approval_reason',
  'submitted_by',
  'idempotency_key',
  'started_at',
  'finished_at',
  'result_error',
  'created_at',
  'updated_at',
  'version',
  'approval',
  'grant_id',
] as const satisfies ReadonlyArray<keyof ActionRecord>;

export type ActionRow = Record<(typeof ACTION_COLUMNS)[number], string | number | Buffer | null>;

/** An event as text columns: PostgreSQL's rows, and SQLite's once read back (stored-events.ts). */
export interface EventRow {
  seq: number;
  id: string;
  action_id: string;
  event_type: string;
  meta: string;
  created_at: string;
  prev_hash: string;
  hash: string;
  status: string;
  action_snapshot: string;
}

/** The seqs of one action's events (bound to its id), for `seq IN (...)`: rowid lookups, no index. */
export const SEQS_OF_ACTION = 'SELECT value FROM json_each((SELECT event_seqs FROM actions WHERE id = ?))';

/** JSON columns hold canonical JSON, so what is read back re-hashes to exactly the stored hash. */
export function actionToRow(action: ActionRecord): ActionRow {
  return {
    ...action,
    params: canonicalJson(action.params),
    context: canonicalJson(action.context),
    matched_rule: action.matched_rule === null ? null : canonicalJson(action.matched_rule),
    approval: approvalText(action),
    grant_id: action.grant_id ?? null,
  };
}

/** The `approval` column's text: canonical JSON, or NULL for an action that never needed approval. */
export function approvalText(action: Pick<ActionRecord, 'approval'>): string | null {
  return action.approval === undefined ? null : canonicalJson(action.approval);
}

/**
 * The actions row as SQLite stores it since schema 18: the policy and request digests as bytes
 * (compact-ids.ts), and updated_at as '' while it equals created_at (an action never moved). The
 * column is NOT NULL since migration 1, and '' costs no byte beside its type.
 */
export function storedActionRow(row: ActionRow): ActionRow {
  return {
    ...row,
    policy_hash: packHash(String(row.policy_hash)),
    request_hash: packHash(String(row.request_hash)),
    updated_at: row.updated_at === row.created_at ? '' : row.updated_at,
  } as ActionRow;
}

const column = (name: (typeof ACTION_COLUMNS)[number]): number => ACTION_COLUMNS.indexOf(name);
const AT = {
  params: column('params'),
  context: column('context'),
  matched_rule: column('matched_rule'),
  approval: column('approval'),
  grant_id: column('grant_id'),
  policy_hash: column('policy_hash'),
  request_hash: column('request_hash'),
  updated_at: column('updated_at'),
};

// Every action under one policy carries its hash: the last one packed is kept (SQLite copies a bound blob).
let lastPolicyHash = '';
let lastPolicyPacked: Buffer | string = '';
function packedPolicyHash(text: string): Buffer | string {
  if (text !== lastPolicyHash) {
    lastPolicyPacked = packHash(text);
    lastPolicyHash = text;
  }
  return lastPolicyPacked;
}

/**
 * storedActionRow of a fresh action as the INSERT's values in ACTION_COLUMNS order, its JSON columns
 * the texts validation made: one array, where the row objects took two copies of the action.
 */
export function createdRowValues(
  action: ActionRecord,
  texts: { params: string; context: string; matched_rule: string | null; approval: string | null },
): unknown[] {
  const values: unknown[] = ACTION_COLUMNS.map((name) => action[name]);
  values[AT.params] = texts.params;
  values[AT.context] = texts.context;
  values[AT.matched_rule] = texts.matched_rule;
  values[AT.approval] = texts.approval;
  values[AT.grant_id] = action.grant_id ?? null;
  values[AT.policy_hash] = packedPolicyHash(String(action.policy_hash));
  values[AT.request_hash] = packHash(String(action.request_hash));
  if (action.updated_at === action.created_at) values[AT.updated_at] = '';
  return values;
}

/** The inverse of storedActionRow: every column as text, as PostgreSQL stores it too. */
export function textActionRow<T extends Partial<ActionRow>>(row: T): T {
  return {
    ...row,
    policy_hash: unpackHash(row.policy_hash),
    request_hash: unpackHash(row.request_hash),
    updated_at: row.updated_at === '' ? row.created_at : row.updated_at,
  };
}

/** An actions row (SQLite's, either form, or PostgreSQL's) as the action it holds. */
export function rowToAction(row: ActionRow): ActionRecord {
  const { approval, grant_id, ...rest } = row;
  // One spread (the row is copied once per action read); the overridden keys keep their places.
  const action: ActionRecord = {
    ...(rest as unknown as ActionRecord),
    policy_hash: unpackHash(row.policy_hash),
    request_hash: unpackHash(row.request_hash),
    updated_at: row.updated_at === '' ? String(row.created_at) : String(row.updated_at),
    params: JSON.parse(row.params as string),
    context: JSON.parse(row.context as string),
    matched_rule: row.matched_rule === null ? null : JSON.parse(row.matched_rule as string),
  };
  // Absent, not null, when there is none: rows from before the column existed equal their snapshots.
  if (approval !== null && approval !== undefined) action.approval = JSON.parse(approval as string);
  if (grant_id !== null && grant_id !== undefined) action.grant_id = grant_id as string;
  return action;
}

export function rowToEvent(row: EventRow): EventRecord {
  return {
    seq: row.seq,
    id: row.id,
    action_id: row.action_id,
    event_type: row.event_type,
    meta: JSON.parse(row.meta),
    created_at: row.created_at,
    prev_hash: row.prev_hash,
    hash: row.hash,
    action: JSON.parse(row.action_snapshot),
  };
}
