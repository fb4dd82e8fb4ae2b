import { type GrantCandidateCall, grantCovers } from '@faramesh/policy';
import type { EventRecord, GrantRecord, Store } from '@faramesh/store';
import { termsOf } from './grant-terms.js';
import { type CachedGrant, LiveGrantCache } from './live-grant-cache.js';

/** Live grants of one tool and operation read per submission; more are not considered (oldest first). */
export const MAX_GRANT_CANDIDATES = 50;

/**
 * The submit path's side of standing grants: which live grants would allow a call the policy sends
 * to approval (the rules are `grantCovers` in the policy engine).
 * Only calls decided `require_approval` ever reach it, so allow and deny pay nothing. The action a
 * grant makes is `grantedAction` (new-action.ts).
 */
export class GrantLookup {
  /** What was read of live grants, per tool and operation (see `LiveGrantCache` for why it is safe). */
  readonly cache: LiveGrantCache;
  readonly #caching: boolean;

  /**
   * `changes` subscribes to the ledger events this replica sees (its own and, through the ledger
   * follower, other replicas'): the cache is emptied by any grant change. Without it nothing is cached.
   */
  constructor(
    private readonly store: Store,
    changes?: (listener: (events: readonly EventRecord[]) => void) => () => void,
    cache = new LiveGrantCache(),
  ) {
    this.cache = cache;
    this.#caching = changes !== undefined;
    changes?.((events) => cache.observe(events));
  }

  /**
   * Live grants that cover the call at `at`, in the order they should be tried (oldest first); at
   * once (no promise) when the live grants of its tool and operation are cached.
   */
  covering(call: GrantCandidateCall, at: Date): GrantRecord[] | Promise<GrantRecord[]> {
    if (call.verdict.decision !== 'require_approval') return [];
    const live = this.#live(call.action.tool, call.action.operation, at);
    return live instanceof Promise ? live.then((read) => covered(read, call, at)) : covered(live, call, at);
  }

  /** A grant of this tool and operation turned out unusable: read them again next time. */
  unavailable(tool: string, operation: string): void {
    this.cache.forget(tool, operation);
  }

  #live(tool: string, operation: string, at: Date): readonly CachedGrant[] | Promise<readonly CachedGrant[]> {
    const cached = this.#caching ? this.cache.get(tool, operation, at.getTime()) : undefined;
    return cached ?? this.#read(tool, operation, at);
  }

  async #read(tool: string, operation: string, at: Date): Promise<readonly CachedGrant[]> {
    const generation = this.cache.generation;
    const live = await this.store.grants.live(tool, operation, at.toISOString(), MAX_GRANT_CANDIDATES);
    const read = live.map((grant) => ({ grant, terms: termsOf(grant) }));
    if (this.#caching) this.cache.set(tool, operation, read, at.getTime(), generation);
    return read;
  }
}

function covered(live: readonly CachedGrant[], call: GrantCandidateCall, at: Date): GrantRecord[] {
  const when = at.toISOString();
  const covering: GrantRecord[] = [];
  for (const { grant, terms } of live) {
    // Cached records may have expired since they were read (revocation and uses are the write's check).
    if (grant.expires_at <= when || grant.revoked_at !== null) continue;
    if (terms !== null && grantCovers(terms, call, at.getTime()).covered) covering.push(grant);
  }
  return covering;
}
