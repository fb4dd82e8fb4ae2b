import type { GrantTerms } from '@faramesh/policy';
import type { EventRecord, GrantRecord } from '@faramesh/store';

/** How long a replica may answer from what it read without hearing of a grant change. */
export const GRANT_CACHE_TTL_MS = 2000;
/** Bytes of grant records (estimated as their JSON) the cache holds at most. */
export const GRANT_CACHE_BYTES = 2 * 1024 * 1024;

/** A live grant as read, with its terms validated once. */
export interface CachedGrant {
  grant: GrantRecord;
  terms: GrantTerms | null;
}

interface Entry {
  grants: readonly CachedGrant[];
  readAt: number;
  bytes: number;
}

/** Ledger events after which what was read of grants may be wrong. */
const GRANT_CHANGES = new Set(['grant_created', 'grant_revoked', 'grant_expired']);

/**
 * The live grants of each tool and operation as last read, so that a submission the policy sends to
 * approval doesn't read the grants table when nothing changed: most often there is no grant at all.
 *
 * Safe because the cache can only ever be wrong in two directions, both harmless:
 * - a grant it still lists was revoked, expired or used up meanwhile: the use is conditional in the
 *   write transaction (every store re-checks it under its write lock), so the write fails with
 *   `grant_unavailable` and the entry is forgotten (`forget`); a revoked grant is never used;
 * - a grant made meanwhile is missing: the call waits for approval, the stricter outcome.
 * Every grant change is a ledger event; the hub sees this replica's at once and other replicas'
 * through the ledger follower, and any of them empties the cache. Should that news be late (the
 * follower reconnecting), an entry is trusted for at most `GRANT_CACHE_TTL_MS`.
 */
export class LiveGrantCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  /** Bumped by every invalidation: a read that started before one is not kept. */
  #generation = 0;

  constructor(
    private readonly ttlMs = GRANT_CACHE_TTL_MS,
    private readonly maxBytes = GRANT_CACHE_BYTES,
  ) {}

  /** The generation to hand back to `set` with what is read now. */
  get generation(): number {
    return this.#generation;
  }

  /** What was read for `tool` and `operation` no longer than the TTL before `nowMs`, else undefined. */
  get(tool: string, operation: string, nowMs: number): readonly CachedGrant[] | undefined {
    const entry = this.#entries.get(keyOf(tool, operation));
    if (entry === undefined) return undefined;
    // A clock that went back is not trusted to be within the TTL either.
    if (nowMs - entry.readAt >= this.ttlMs || nowMs < entry.readAt) return undefined;
    return entry.grants;
  }

  /** Keeps what a read begun at `generation` found, unless grants changed since. */
  set(tool: string, operation: string, grants: readonly CachedGrant[], readAt: number, generation: number): void {
    if (generation !== this.#generation) return;
    const key = keyOf(tool, operation);
    let bytes = key.length * 2 + 64;
    for (const { grant } of grants) bytes += JSON.stringify(grant).length * 2;
    if (bytes > this.maxBytes / 4) return;
    this.#drop(key);
    if (this.#bytes + bytes > this.maxBytes) this.clear();
    this.#entries.set(key, { grants, readAt, bytes });
    this.#bytes += bytes;
  }

  /** Forgets one tool and operation (a grant listed for it turned out unusable). */
  forget(tool: string, operation: string): void {
    this.#generation += 1;
    this.#drop(keyOf(tool, operation));
  }

  /** Forgets everything (a grant changed somewhere). */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** Empties the cache when `events` hold a grant change; for `EventHub.subscribe`. */
  observe(events: readonly EventRecord[]): void {
    for (const event of events) {
      if (GRANT_CHANGES.has(event.event_type)) {
        this.clear();
        return;
      }
    }
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  #drop(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= old.bytes;
  }
}

function keyOf(tool: string, operation: string): string {
  return `${tool.length}:${tool}${operation}`;
}
