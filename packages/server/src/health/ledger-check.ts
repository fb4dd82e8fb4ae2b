import type { LedgerIntegrity } from '../audit/ledger-integrity.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * The ledger's part of `/ready`: not ready while its consistency checks fail (writes are then
 * refused with `ledger_inconsistent`), so an orchestrator stops routing writes here and an operator
 * sees why. `signed` says whether re-hashing can be detected at all.
 */
export function ledgerCheck(ledger: LedgerIntegrity): ReadinessCheck {
  return {
    name: 'ledger',
    async check() {
      const { health } = ledger.monitor;
      const details = { checked_at: health.checked_at, signed: ledger.config.key !== null };
      return health.ok
        ? { ok: true, details }
        : {
            ok: false,
            reason: `ledger_inconsistent: ${health.reason}`,
            details: { ...details, problems: health.problems },
          };
    },
  };
}
