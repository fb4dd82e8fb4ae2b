import type { ActionRecord } from '@faramesh/store';
import { StoreError } from '@faramesh/store';

/**
 * A decision that lost a compare-and-set is judged again against the fresh action; under a burst of
 * deciders and a sweeper each retry sees a newer state, so a few attempts always settle it.
 */
const MAX_ATTEMPTS = 8;

/** Runs `apply` on the action `load` reads, reading it again and retrying when it lost a compare-and-set. */
export async function retryOnConflict(
  load: () => Promise<ActionRecord>,
  apply: (record: ActionRecord) => Promise<ActionRecord>,
): Promise<ActionRecord> {
  let record = await load();
  for (let attempt = 1; ; attempt++) {
    try {
      return await apply(record);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !(error instanceof StoreError && error.code === 'version_conflict')) throw error;
      record = await load();
    }
  }
}
