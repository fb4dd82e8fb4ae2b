import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { newEvents, sampleAction } from '../store.contract.js';
import { describeWithPostgres } from './postgres-cluster.test-support.js';
import { createPostgresStore } from './postgres-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');

interface Racer {
  child: ChildProcess;
  ready: Promise<void>;
  outcome: Promise<{ won: boolean; decision?: string; code?: string }>;
}

function racer(dsn: string, id: string, version: number, index: number): Racer {
  const child = spawn(
    process.execPath,
    [join(here, 'fixtures', 'cas-racer.mjs'), dsn, id, String(version), String(index)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(line))));
    child.once('exit', (code) => reject(new Error(`racer exited with ${code}: ${stderr}`)));
  });
  const outcome = new Promise<Racer['outcome'] extends Promise<infer T> ? T : never>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line !== 'ready') resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`racer exited with ${code}: ${stderr}`)));
  });
  return { child, ready, outcome };
}

describeWithPostgres('postgres across processes', (cluster) => {
  // The racers run plain Node, so they import the built package.
  beforeAll(() => {
    execFileSync(process.execPath, [join(packageDir, '..', '..', 'node_modules', '.bin', 'tsc'), '-b', packageDir]);
  });

  it('lets exactly one of several processes approve or deny the same action version', async () => {
    const dsn = await (await cluster()).createDatabase();
    const store = createPostgresStore({ dsn });
    try {
      await store.migrate();
      for (let round = 0; round < 3; round++) {
        const { action } = await store.createAction({
          action: sampleAction({ status: 'pending_approval' }),
          events: newEvents('created', 'decision_made'),
        });
        const racers = Array.from({ length: 6 }, (_, i) => racer(dsn, action.id, 1, i));
        await Promise.all(racers.map((r) => r.ready));
        for (const r of racers) r.child.stdin?.write('go\n');
        const outcomes = await Promise.all(racers.map((r) => r.outcome));
        const winners = outcomes.filter((o) => o.won);
        expect(winners).toHaveLength(1);
        expect(outcomes.filter((o) => !o.won).every((o) => o.code === 'version_conflict')).toBe(true);
        const stored = await store.getAction(action.id);
        expect(stored).toMatchObject({ version: 2, status: winners[0]!.decision });
        expect((await store.listEvents(action.id)).map((e) => e.event_type)).toEqual([
          'created',
          'decision_made',
          winners[0]!.decision,
        ]);
      }
      expect(verifyLedger(await store.eventsAfter(0, 1000))).toEqual({ ok: true });
    } finally {
      await store.close();
    }
  });
});
