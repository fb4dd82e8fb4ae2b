import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newEvents, sampleAction } from '../contract/fixtures.js';
import { type CheckpointTuning, startCheckpointer } from './checkpointer.js';
import { openDatabase } from './open-database.js';
import { createSqliteStore } from './sqlite-store.js';
import { walIndexReader } from './wal-index-header.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Frames of 4 KiB pages plus their 24-byte headers, and the WAL's 32-byte header. */
const walBytes = (frames: number) => 32 + frames * (4096 + 24);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const dirs: string[] = [];
function databasePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-checkpoint-'));
  dirs.push(dir);
  return join(dir, 'actions.db');
}

/** Waits until `check` holds, polling; fails the test after `ms`. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(5);
  }
}

describe('sqlite checkpoint worker', () => {
  // The worker runs the compiled script from dist (checkpointer.ts finds it there).
  beforeAll(() => {
    execFileSync(process.execPath, [join(packageDir, '..', '..', 'node_modules', '.bin', 'tsc'), '-b', packageDir]);
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints from its own thread while the writer never reaches its fallback', async () => {
    const path = databasePath();
    const tuning: CheckpointTuning = { frames: 32, fallbackFrames: 1_000_000, pollMs: 2, idleMs: 50 };
    const store = createSqliteStore({ path, checkpointWorker: tuning });
    const wal = walIndexReader(path);
    try {
      await store.migrate();
      expect((await store.info()).durability.checkpoint).toBe('worker');
      await Promise.all(
        Array.from({ length: 200 }, () => store.createAction({ action: sampleAction(), events: newEvents('created') })),
      );
      // The writer's wal_autocheckpoint is a million frames: frames copied into the file were copied
      // by the worker's connection, between the writer's commits.
      await eventually(() => (wal.read()?.backfilled ?? 0) > 0);
      const progress = wal.read();
      expect(progress?.frames).toBeLessThan(tuning.fallbackFrames);
    } finally {
      wal.close();
      await store.close();
    }
  });

  it('keeps the WAL file bounded under sustained writes', async () => {
    const path = databasePath();
    const tuning: CheckpointTuning = { frames: 64, fallbackFrames: 400, pollMs: 1, idleMs: 10 };
    const store = createSqliteStore({ path, checkpointWorker: tuning, maxBatch: 64 });
    const wal = walIndexReader(path);
    let most = 0;
    let largestCommit = 0;
    let restarts = 0;
    let frames = 0;
    try {
      await store.migrate();
      // 12,800 writes with no pause between batches: a checkpoint from the worker keeps being
      // overtaken by new commits, so only the writer's fallback can let the WAL restart.
      for (let round = 0; round < 200; round++) {
        await Promise.all(
          Array.from({ length: 64 }, () =>
            store.createAction({
              action: sampleAction({ params: { round, padding: 'x'.repeat(1500) } }),
              events: newEvents('created', 'decision_made'),
            }),
          ),
        );
        const now = wal.read()?.frames ?? 0;
        if (now < frames) restarts++;
        else largestCommit = Math.max(largestCommit, now - frames);
        most = Math.max(most, now);
        frames = now;
      }
      // About one restart per fallbackFrames written: nothing accumulates from one cycle to the next.
      expect(restarts).toBeGreaterThan(20);
      // At most the fallback plus a few rounds' commits (search-index merges make a few of them
      // large): the writer's automatic checkpoint skips while the worker's is copying, and the WAL
      // restarts at the first commit after one of them completes (on a busy machine a worker's
      // checkpoint spans a few commits; one run here went 139 frames past the fallback).
      const bound = tuning.fallbackFrames + 4 * largestCommit;
      expect(most).toBeLessThanOrEqual(bound);
      // journal_size_limit cuts the file back to the fallback's size after each restart.
      expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(walBytes(bound));
      expect((await store.listActions({ filter: {}, limit: 1 })).total).toBe(200 * 64);
    } finally {
      wal.close();
      await store.close();
    }
  });

  it('stops the worker on close and leaves a checkpointed database without a WAL', async () => {
    const path = databasePath();
    const store = createSqliteStore({
      path,
      checkpointWorker: { frames: 16, fallbackFrames: 100_000, pollMs: 1, idleMs: 5 },
    });
    await store.migrate();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const written = await Promise.all(
        Array.from({ length: 20 }, () => store.createAction({ action: sampleAction(), events: newEvents('created') })),
      );
      ids.push(...written.map((w) => w.action.id));
    }
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);

    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(*) AS n FROM actions').get() as { n: number }).n).toBe(ids.length);
    } finally {
      db.close();
    }
  });

  it('loses no acknowledged write when the worker dies, and the writer checkpoints again', async () => {
    const path = databasePath();
    const db = openDatabase({ location: path, synchronous: 'full', busyTimeoutMs: 5000 });
    db.exec('CREATE TABLE notes (n INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const failures: Error[] = [];
    const checkpointer = startCheckpointer(db, {
      location: path,
      synchronous: 'full',
      tuning: { frames: 8, fallbackFrames: 50_000, pollMs: 1, idleMs: 5 },
      onFailure: (error) => failures.push(error),
    });
    const insert = db.prepare('INSERT INTO notes (n, body) VALUES (?, ?)');
    const write = (from: number, count: number) =>
      db.transaction(() => {
        for (let n = from; n < from + count; n++) insert.run(n, 'y'.repeat(3000));
      })();
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(50_000);
      for (let i = 0; i < 40; i++) write(i * 10, 10);
      await eventually(() => checkpointer.done.length > 0);
      // Killed wherever it is, possibly inside a checkpoint.
      await checkpointer.thread.terminate();
      await eventually(() => failures.length > 0);
      expect(checkpointer.state()).toMatch(/^writer \(the checkpoint worker failed/);
      // SQLite's default again: the WAL stays bounded without the worker.
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      for (let i = 40; i < 400; i++) write(i * 10, 10);
      expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(walBytes(1000 + 20));
    } finally {
      await checkpointer.stop();
      db.close();
    }
    const reopened = new Database(path, { readonly: true });
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((reopened.prepare('SELECT count(*) AS n FROM notes').get() as { n: number }).n).toBe(4000);
    } finally {
      reopened.close();
    }
  });

  it('starts no worker for an in-memory database or by default', async () => {
    const memory = createSqliteStore({ path: ':memory:', checkpointWorker: true });
    const plain = createSqliteStore({ path: databasePath() });
    try {
      expect((await memory.info()).durability.checkpoint).toBe('writer');
      expect((await plain.info()).durability.checkpoint).toBe('writer');
    } finally {
      await memory.close();
      await plain.close();
    }
  });
});
