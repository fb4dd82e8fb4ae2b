import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../hash-chain.js';
import { createSqliteStore } from './sqlite-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');

/** Runs the writer until it has printed `count` ids, then SIGKILLs it; returns the printed ids. */
function killWriterAfter(path: string, count: number, ...args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'fixtures', 'kill-writer.mjs'), path, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ids: string[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') return;
      ids.push(line);
      if (ids.length === count) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(ids);
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}

describe('sqlite durability', () => {
  // The child runs plain Node, so it imports the built package.
  beforeAll(() => {
    execFileSync(process.execPath, [join(packageDir, '..', '..', 'node_modules', '.bin', 'tsc'), '-b', packageDir]);
  });

  it.each([
    { args: [], where: 'in its commits' },
    { args: ['worker'], where: 'in a worker thread' },
  ])(
    'keeps every write whose promise resolved when a process checkpointing $where is killed with SIGKILL',
    async ({ args }) => {
      const dir = mkdtempSync(join(tmpdir(), 'faramesh-kill-'));
      try {
        const path = join(dir, 'actions.db');
        const printed = await killWriterAfter(path, 300, ...args);
        expect(printed.length).toBeGreaterThanOrEqual(300);

        const store = createSqliteStore({ path });
        try {
          await store.migrate();
          for (const id of printed) {
            const action = await store.getAction(id);
            expect(action?.status).toBe('approved');
            expect((await store.listEvents(id)).map((e) => e.event_type)).toEqual([
              'created',
              'decision_made',
              'approved',
            ]);
          }
          const ledger = await store.eventsAfter(0, 1_000_000);
          expect(verifyLedger(ledger)).toEqual({ ok: true });
          expect(ledger.every((e) => e.action.approval_token === null)).toBe(true);
          // Writes committed but not yet printed when the kill landed are fine; lost printed ones are not.
          expect((await store.listActions({ filter: {}, limit: 1 })).total).toBeGreaterThanOrEqual(printed.length);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
