import { afterAll, describe, it } from 'vitest';
import { postgresAvailability, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

/**
 * For test files: describes `body` with a throwaway cluster started lazily on first use and destroyed
 * after the file. Without PostgreSQL the file reports one skipped test naming why, except under CI,
 * where `postgresAvailability` throws so that the run fails instead.
 */
export function describeWithPostgres(name: string, body: (cluster: () => Promise<ThrowawayCluster>) => void): void {
  const availability = postgresAvailability();
  if (!availability.available) {
    describe(name, () => {
      it.skip(`skipped: ${availability.reason}`, () => {});
    });
    return;
  }
  let started: Promise<ThrowawayCluster> | undefined;
  const cluster = () => {
    started ??= startThrowawayCluster(availability.bin);
    return started;
  };
  describe(name, () => {
    // The shutdown checkpoint flushes every database the file created (fsync on): minutes on a busy machine.
    afterAll(async () => {
      if (started) await (await started).destroy();
    }, 300_000);
    body(cluster);
  });
}
