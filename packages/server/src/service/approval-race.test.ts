import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type Store, StoreError } from '@faramesh/store';
import { afterAll, describe, expect, it } from 'vitest';
import { startQuorumServer } from './approval-testing.test-support.js';

const ROUNDS = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'faramesh-quorum-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real SQLite store, counting the compare-and-set conflicts it answers (proof that the approvers really raced). */
function countingConflicts(store: Store): { store: Store; conflicts: () => number } {
  let conflicts = 0;
  return {
    store: {
      ...store,
      async transition(input) {
        try {
          return await store.transition(input);
        } catch (error) {
          if (error instanceof StoreError && error.code === 'version_conflict') conflicts += 1;
          throw error;
        }
      },
    },
    conflicts: () => conflicts,
  };
}

describe('two approvers at the same instant, one approval missing (SQLite file, in process)', () => {
  it(`produces exactly one approved in each of ${ROUNDS} rounds`, { timeout: 600_000 }, async () => {
    const sqlite = countingConflicts(createSqliteStore({ path: join(dir, 'race.db') }));
    const { server, submit, decide, eventTypes } = await startQuorumServer({ store: sqlite.store });
    try {
      const outcomes = { approved: 0, refused: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const action = await submit();
        expect((await decide('alice', action)).statusCode).toBe(200);
        // bob and carol both complete the quorum: exactly one may move it to approved.
        const answers = await Promise.all([decide('bob', action), decide('carol', action)]);
        const won = answers.filter((answer) => answer.statusCode === 200);
        const lost = answers.filter((answer) => answer.statusCode !== 200);
        expect(won).toHaveLength(1);
        expect(won[0]?.json()).toMatchObject({ status: 'approved' });
        expect(lost.map((answer) => [answer.statusCode, answer.json().error.code])).toEqual([
          [409, 'invalid_transition'],
        ]);
        const types = await eventTypes(action.id);
        expect(types.filter((type: string) => type === 'approved')).toHaveLength(1);
        expect(types).toEqual(['created', 'decision_made', 'approval_recorded', 'approved']);
        outcomes.approved += won.length;
        outcomes.refused += lost.length;
      }
      expect(outcomes).toEqual({ approved: ROUNDS, refused: ROUNDS });
      // Both approvers read the same version before either wrote, so the loser's write conflicted.
      expect(sqlite.conflicts()).toBeGreaterThan(ROUNDS / 2);
      console.info(
        `quorum race (SQLite): ${ROUNDS} rounds, ${outcomes.approved} approved, ${outcomes.refused} refused (409), ${sqlite.conflicts()} compare-and-set conflicts`,
      );
    } finally {
      await server.close();
    }
  });
});
