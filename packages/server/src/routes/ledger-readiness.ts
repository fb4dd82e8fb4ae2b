import type { AppContext } from '../http/app-context.js';

/**
 * The ledger's part of `/ready`: not ready while its consistency checks fail (writes are then
 * refused with `ledger_inconsistent`), with the reason, so an orchestrator stops routing writes here
 * and an operator sees why. `signed` says whether re-hashing can be detected at all.
 */
export function ledgerReadiness(ctx: AppContext): {
  ok: boolean;
  reason?: string;
  checked_at: string | null;
  signed: boolean;
} {
  const { health } = ctx.ledger.monitor;
  const signed = ctx.ledger.config.key !== null;
  return health.ok
    ? { ok: true, checked_at: health.checked_at, signed }
    : { ok: false, reason: health.reason, checked_at: health.checked_at, signed };
}
