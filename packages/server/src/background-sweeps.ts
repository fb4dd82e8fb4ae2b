import type { SessionAuthenticator } from './auth/session-principal.js';
import type { ServerLogger } from './server.js';
import type { ActionService } from './service/action-service.js';
import type { EscalationSweeper } from './service/escalation-sweeper.js';
import type { GrantService } from './service/grant-service.js';

const SESSION_SWEEP_MS = 60_000;

export interface SweepParts {
  service: ActionService;
  escalations: EscalationSweeper;
  grants: GrantService;
  /** Null without single sign-on: there are no sessions to sweep. */
  sessions: SessionAuthenticator | null;
  log: ServerLogger;
  sweepMs: number;
}

/**
 * Starts the periodic sweeps (expiry, escalation and grant expiry; ended sessions); `close` stops them.
 * The timers are unref'd so they never keep the process alive.
 */
export function startBackgroundSweeps(parts: SweepParts): { close(): void } {
  const { service, escalations, grants, sessions, log, sweepMs } = parts;
  // While the database is down every sweep fails: say so once, and once more when it works again.
  let sweepFailing = false;
  const sweeper = setInterval(() => {
    // Expiry first: an action whose window closed is expired, never escalated. Then grants' expiry.
    service
      .expireDue()
      .then(() => escalations.sweep())
      .then(() => grants.expireDue())
      .then(
        () => {
          if (sweepFailing) log.info('expiry and escalation sweep works again');
          sweepFailing = false;
        },
        (error: unknown) => {
          if (!sweepFailing) {
            log.error(`expiry and escalation sweep failed (retrying every ${sweepMs} ms): ${(error as Error).message}`);
          }
          sweepFailing = true;
        },
      );
  }, sweepMs);
  sweeper.unref();
  // Ended sessions are refused on lookup anyway; this only keeps the table from growing.
  const sessionSweeper =
    sessions === null
      ? null
      : setInterval(() => {
          sessions.sweep().catch((error: unknown) => log.warn(`session sweep failed: ${(error as Error).message}`));
        }, SESSION_SWEEP_MS);
  sessionSweeper?.unref();
  return {
    close() {
      clearInterval(sweeper);
      if (sessionSweeper !== null) clearInterval(sessionSweeper);
    },
  };
}
