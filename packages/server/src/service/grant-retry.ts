import type { GrantCandidateCall } from '@faramesh/policy';
import { type GrantRecord, StoreError } from '@faramesh/store';
import type { GrantLookup } from './grant-lookup.js';

/**
 * Writes a submission allowed by a live standing grant instead of sending it to approval: the
 * covering grants are tried in order, and one used up or revoked meanwhile (by a racing submission,
 * on any replica) fails its write with `grant_unavailable`, so the next is tried. Undefined when no
 * grant could be used.
 */
export async function writeUnderGrant<T>(
  grants: GrantLookup,
  call: GrantCandidateCall,
  now: Date,
  write: (grant: GrantRecord) => Promise<T>,
): Promise<T | undefined> {
  const found = grants.covering(call, now);
  // Cached live grants answer at once: no await (a microtask round) on the common path.
  for (const grant of Array.isArray(found) ? found : await found) {
    try {
      return await write(grant);
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'grant_unavailable')) throw error;
      grants.unavailable(call.action.tool, call.action.operation);
    }
  }
  return undefined;
}
