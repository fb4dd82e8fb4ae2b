import type pg from 'pg';
import { GRANT_COLUMNS, type GrantRow, grantToRow, rowToGrant } from '../grants/grant-rows.js';
import { changedGrant, grantIdOf, usedGrant } from '../grants/grant-rules.js';
import type { GrantRecord } from '../grants/grant-store.js';
import { StoreError } from '../store.js';
import type { WriteOp } from './batch-plan.js';

const COLUMNS = GRANT_COLUMNS.join(', ');
const UPSERT = `INSERT INTO grants SELECT * FROM json_populate_recordset(NULL::grants, $1::json)
  ON CONFLICT (id) DO UPDATE SET uses = excluded.uses, last_used_at = excluded.last_used_at,
    revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by, revoke_reason = excluded.revoke_reason,
    expiry_recorded_at = excluded.expiry_recorded_at`;

/**
 * The grants a write batch uses or changes, read and written under the ledger lock that every
 * PostgreSQL writer holds from reading the chain tip to COMMIT: no other replica can use a grant
 * between the check and the count, so `max_uses` holds across replicas without a row lock of its own.
 */
export class GrantBatch {
  readonly #grants: Map<string, GrantRecord>;
  readonly #touched = new Set<string>();

  constructor(loaded: readonly GrantRecord[]) {
    this.#grants = new Map(loaded.map((grant) => [grant.id, grant]));
  }

  /** The grant ids the ops name (to load before planning). */
  static idsOf(ops: readonly WriteOp[]): string[] {
    const ids = new Set<string>();
    for (const op of ops) {
      if (op.kind === 'create' && op.input.grant_use !== undefined) ids.add(op.input.grant_use.id);
      if (op.kind === 'transition' && op.input.grant !== undefined) ids.add(grantIdOf(op.input.grant));
    }
    return [...ids];
  }

  static async load(client: pg.PoolClient, ops: readonly WriteOp[]): Promise<GrantBatch> {
    const ids = GrantBatch.idsOf(ops);
    if (ids.length === 0) return new GrantBatch([]);
    const { rows } = await client.query<GrantRow>(`SELECT ${COLUMNS} FROM grants WHERE id = ANY($1::text[])`, [ids]);
    return new GrantBatch(rows.map(rowToGrant));
  }

  /**
   * Applies the op's grant write to the batch's view, or returns the StoreError that fails the op
   * (nothing of it is then written). Call only once the op is otherwise sure to succeed.
   */
  apply(op: WriteOp): StoreError | null {
    try {
      let next: GrantRecord | null = null;
      if (op.kind === 'create' && op.input.grant_use !== undefined) {
        next = usedGrant(this.#grants.get(op.input.grant_use.id), op.input.grant_use);
      } else if (op.kind === 'transition' && op.input.grant !== undefined) {
        next = changedGrant(this.#grants.get(grantIdOf(op.input.grant)), op.input.grant);
      }
      if (next !== null) {
        this.#grants.set(next.id, next);
        this.#touched.add(next.id);
      }
      return null;
    } catch (error) {
      if (error instanceof StoreError) return error;
      throw error;
    }
  }

  /** Writes every grant the batch changed, in the batch's transaction. */
  async write(client: pg.PoolClient): Promise<void> {
    if (this.#touched.size === 0) return;
    const rows = [...this.#touched].map((id) => grantToRow(this.#grants.get(id) as GrantRecord, (b) => b));
    await client.query(UPSERT, [JSON.stringify(rows)]);
  }
}
