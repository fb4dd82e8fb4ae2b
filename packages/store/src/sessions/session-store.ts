/**
 * Dashboard login sessions (`store.sessions`), kept in the shared database so that a logout or an
 * expiry applies on every replica at once. The store knows nothing of cookies, clocks or identity
 * providers: it keeps rows keyed by a hash of the session id and answers by the times it is given.
 */
export interface SessionRecord {
  /** SHA-256 (hex) of the session id; the id itself is only ever in the person's cookie. */
  id_hash: string;
  /** Stable key of the person across logins (issuer and subject), for the per-person cap. */
  subject: string;
  /** The principal's name (e.g. the email), recorded as the approver in the ledger. */
  name: string;
  role: string;
  groups: string[];
  created_at: string;
  last_seen_at: string;
  /** The absolute end: the session never lives past it, however active. */
  expires_at: string;
  /** The effective end: last activity plus the idle timeout, never later than `expires_at`. */
  idle_expires_at: string;
}

export interface SessionStore {
  /**
   * Inserts a session; in the same transaction, removes the person's oldest sessions beyond
   * `maxPerSubject` (the new one always stays). Returns how many were removed.
   */
  create(session: SessionRecord, maxPerSubject: number): Promise<{ evicted: number }>;
  /** The session with this id hash, expired or not (the caller decides), or null. */
  get(idHash: string): Promise<SessionRecord | null>;
  /** Records activity: moves `last_seen_at` and `idle_expires_at`. False when the session is gone. */
  touch(idHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<boolean>;
  /** Ends a session; false when there was none. */
  delete(idHash: string): Promise<boolean>;
  /** Deletes at most `limit` sessions whose `idle_expires_at` <= `at`; returns how many. */
  deleteExpired(at: string, limit: number): Promise<number>;
}

/** The columns of the sessions table, in insert order. */
export const SESSION_COLUMNS = [
  'id_hash',
  'subject',
  'name',
  'role',
  'groups',
  'created_at',
  'last_seen_at',
  'expires_at',
  'idle_expires_at',
] as const;

/** A row as both SQL adapters return it: `groups` is JSON text. */
export type SessionRow = Omit<SessionRecord, 'groups'> & { groups: string };

export function rowToSession(row: SessionRow): SessionRecord {
  const groups: unknown = JSON.parse(row.groups);
  return {
    ...row,
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
  };
}

export function sessionToRow(session: SessionRecord): unknown[] {
  return SESSION_COLUMNS.map((column) =>
    column === 'groups' ? JSON.stringify(session.groups) : session[column as Exclude<typeof column, 'groups'>],
  );
}
