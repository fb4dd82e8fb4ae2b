import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { submitterOf } from '@faramesh/contract';
import { type CompiledPolicy, type Evaluation, evaluate } from '@faramesh/policy';
import { CliError } from '../cli-error.js';
import { displayPath } from './policy-file.js';

/** A stored action that the new policy would decide differently from the old one. */
export interface BacktestChange {
  id: string;
  agent_id: string;
  tool: string;
  operation: string;
  created_at: string;
  stored: { decision: string; risk_level: string };
  old: Pick<Evaluation, 'decision' | 'risk_level' | 'reason'>;
  new: Pick<Evaluation, 'decision' | 'risk_level' | 'reason'>;
}

export interface BacktestResult {
  database: string;
  scanned: number;
  changed: BacktestChange[];
}

/**
 * Replays every stored action (newest first, up to `limit`) through both policies and keeps those
 * whose decision or risk level differs. Reads only: the database is neither created nor migrated.
 */
export async function backtest(
  cwd: string,
  dbPath: string,
  oldPolicy: CompiledPolicy,
  newPolicy: CompiledPolicy,
  limit: number,
): Promise<BacktestResult> {
  const abs = resolve(cwd, dbPath);
  const database = displayPath(cwd, dbPath);
  if (!existsSync(abs)) throw new CliError(`no database at ${database} (--db)`);
  // Loaded on demand: only this command needs the SQLite driver.
  const { createSqliteStore } = await import('@faramesh/store');
  let store: Awaited<ReturnType<typeof createSqliteStore>>;
  try {
    store = createSqliteStore({ path: abs });
  } catch (err) {
    throw new CliError(`cannot open ${database}: ${(err as Error).message}`);
  }
  const changed: BacktestChange[] = [];
  let scanned = 0;
  try {
    let after: { created_at: string; id: string } | undefined;
    while (scanned < limit) {
      const page = await store.listActions({
        filter: {},
        limit: Math.min(500, limit - scanned),
        ...(after ? { after } : {}),
      });
      for (const action of page.items) {
        scanned++;
        // Who submitted it (recorded in its `created` event): `principal*` rules need it; without
        // it (older ledgers) they resolve to the stricter outcome.
        const created = (await store.listEvents(action.id)).find((event) => event.event_type === 'created');
        const principal = created === undefined ? null : submitterOf(created.meta);
        const input = {
          agent_id: action.agent_id,
          tool: action.tool,
          operation: action.operation,
          params: action.params,
          context: action.context,
          ...(principal !== null && { principal }),
        };
        const before = evaluate(oldPolicy, input);
        const now = evaluate(newPolicy, input);
        if (before.decision !== now.decision || before.risk_level !== now.risk_level) {
          changed.push({
            id: action.id,
            agent_id: action.agent_id,
            tool: action.tool,
            operation: action.operation,
            created_at: action.created_at,
            stored: { decision: action.decision, risk_level: action.risk_level },
            old: { decision: before.decision, risk_level: before.risk_level, reason: before.reason },
            new: { decision: now.decision, risk_level: now.risk_level, reason: now.reason },
          });
        }
      }
      const last = page.items.at(-1);
      if (!last || page.items.length === 0) break;
      after = { created_at: last.created_at, id: last.id };
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read actions from ${database}: ${(err as Error).message}`);
  } finally {
    await store.close().catch(() => {});
  }
  return { database, scanned, changed };
}
