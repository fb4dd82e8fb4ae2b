import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { newEvents, sampleAction } from '../store.contract.js';
import { StoreError } from '../store.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { createPostgresStore } from './postgres-store.js';

describeWithPostgres('postgres restart', (cluster) => {
  it('loses no acknowledged write across a database restart and recovers by itself', async () => {
    const pgCluster = await cluster();
    const dsn = await pgCluster.createDatabase();
    const store = createPostgresStore({ dsn, connectTimeoutMs: 1000 });
    await store.migrate();
    const wakes: (number | null)[] = [];
    store.watch((seq) => wakes.push(seq));
    try {
      const acknowledged: string[] = [];
      const failures: string[] = [];
      let running = true;
      const writers = Array.from({ length: 4 }, async () => {
        while (running) {
          const action = sampleAction();
          try {
            await store.createAction({ action, events: newEvents('created', 'decision_made') });
            acknowledged.push(action.id);
          } catch (error) {
            expect(error).toBeInstanceOf(StoreError);
            failures.push((error as StoreError).code);
            await sleep(20);
          }
        }
      });

      await expect.poll(() => acknowledged.length).toBeGreaterThan(100);
      await pgCluster.stop();
      const beforeRestart = acknowledged.length;
      await expect.poll(() => failures.length).toBeGreaterThan(5);
      await expect(store.ping()).rejects.toMatchObject({ code: 'unavailable' });
      await pgCluster.start();
      // Same store object, no reopen: the pool reconnects on its own.
      await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThan(beforeRestart + 100);
      running = false;
      await Promise.all(writers);

      expect(new Set(failures)).toEqual(new Set(['unavailable']));
      await store.ping();
      const events = await store.eventsAfter(0, 1_000_000);
      const stored = new Set(events.map((e) => e.action_id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      expect(verifyLedger(events)).toEqual({ ok: true });
      // The LISTEN connection came back too, and said so.
      await expect.poll(() => wakes.filter((w) => w === null).length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    } finally {
      await store.close();
    }
  });
});
