import type { Store } from '@faramesh/store';
import type { LedgerConfig } from '../config/ledger-config.js';
import { Checkpointer } from './checkpointer.js';
import { LedgerMonitor } from './ledger-monitor.js';
import { quickLedgerCheck } from './quick-check.js';

export interface LedgerIntegrity {
  monitor: LedgerMonitor;
  checkpointer: Checkpointer;
  config: LedgerConfig;
  close(): void;
}

interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * The server's ledger guard: quick consistency checks at start (before anything is served) and on
 * a timer, and checkpoints on a timer. A failed check is logged once per change of verdict.
 */
export async function startLedgerIntegrity(
  store: Store,
  config: LedgerConfig,
  now: () => Date,
  log: Logger,
): Promise<LedgerIntegrity> {
  const options = { key: config.key, checkpointFile: config.checkpointFile };
  const monitor = new LedgerMonitor(() => quickLedgerCheck(store.ledger, options), now);
  const checkpointer = new Checkpointer({
    ledger: store.ledger,
    monitor,
    key: config.key,
    file: config.checkpointFile,
    now,
  });
  let reported = true;
  const report = () => {
    const { health } = monitor;
    if (health.ok && !reported) log.info('ledger consistency checks pass again: writes are accepted');
    if (!health.ok && reported) {
      const details = health.problems.map((p) => `${p.kind}: ${p.message}`).join('; ');
      log.error(
        `ledger inconsistent, refusing writes until it is recovered: ${details} (docs/ledger-verification.md#recovery)`,
      );
    }
    reported = health.ok;
  };
  await monitor.check();
  report();

  const timers: NodeJS.Timeout[] = [];
  if (config.checkIntervalSeconds > 0) {
    timers.push(setInterval(() => void monitor.check().then(report), config.checkIntervalSeconds * 1000));
  }
  if (config.checkpointIntervalSeconds > 0) {
    timers.push(
      setInterval(() => {
        checkpointer.checkpointIfMoved().then(
          () => report(),
          (error: unknown) => {
            report();
            if (monitor.health.ok) log.error(`writing a ledger checkpoint failed: ${(error as Error).message}`);
          },
        );
      }, config.checkpointIntervalSeconds * 1000),
    );
  }
  for (const timer of timers) timer.unref();
  return {
    monitor,
    checkpointer,
    config,
    close: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
