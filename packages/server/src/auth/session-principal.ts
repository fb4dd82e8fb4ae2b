import type { IncomingHttpHeaders } from 'node:http';
import type { SessionRecord, SessionStore } from '@faramesh/store';
import type { SessionSettings } from '../config/oidc-config.js';
import { ApiError } from '../http/api-error.js';
import type { Principal } from './authenticator.js';
import { CSRF_HEADER, csrfTokenFor, csrfTokenMatches } from './csrf.js';
import type { OidcIdentity } from './oidc-identity.js';
import { type CookieNames, cookieNames, readCookie } from './session-cookie.js';
import { hashSessionId, isSessionIdShape, newSessionId } from './session-id.js';
import { activityDue, isLive, openingTimes } from './session-rules.js';

/** Sessions ended by the sweeper per run; the rest wait for the next run. */
const SWEEP_BATCH = 1000;

/** A signed-in person's session as the routes see it. */
export interface LiveSession {
  id: string;
  record: SessionRecord;
  principal: Principal;
}

/**
 * Dashboard sessions: created after an OpenID Connect login, looked up (by the hash of the id in
 * the cookie) on every request that carries the cookie and no bearer token. Every lookup reads the
 * shared database, so a logout or expiry holds on every replica at once; there is no cache.
 */
export class SessionAuthenticator {
  readonly cookies: CookieNames;

  constructor(
    private readonly store: SessionStore,
    readonly settings: SessionSettings,
    private readonly now: () => Date,
  ) {
    this.cookies = cookieNames(settings.secureCookie);
  }

  /** Opens a session for a person with a role; returns the id for the cookie. */
  async open(identity: OidcIdentity & { role: NonNullable<OidcIdentity['role']> }): Promise<string> {
    const id = newSessionId();
    await this.store.create(
      {
        id_hash: hashSessionId(id),
        subject: identity.subject,
        name: identity.name,
        role: identity.role,
        groups: identity.groups,
        ...openingTimes(this.now(), this.settings),
      },
      this.settings.maxPerUser,
    );
    return id;
  }

  /** The live session named by the request's cookie (recording activity when due), or null. */
  async current(headers: IncomingHttpHeaders): Promise<LiveSession | null> {
    const id = readCookie(headers, this.cookies.session);
    if (id === null || !isSessionIdShape(id)) return null;
    const idHash = hashSessionId(id);
    const record = await this.store.get(idHash);
    if (record === null) return null;
    const now = this.now();
    if (!isLive(record, now)) {
      await this.store.delete(idHash);
      return null;
    }
    const activity = activityDue(record, now, this.settings);
    if (activity !== null) {
      // Gone in the meantime (a logout on another replica): the request is not authenticated.
      if (!(await this.store.touch(idHash, activity.last_seen_at, activity.idle_expires_at))) return null;
      Object.assign(record, activity);
    }
    const principal = principalOf(record);
    return principal === null ? null : { id, record, principal };
  }

  /**
   * The principal of the live session the cookie names, without recording activity: for re-checks
   * (an open event stream) that must not keep an idle session alive. Ended sessions are left to the
   * sweeper.
   */
  async peek(headers: IncomingHttpHeaders): Promise<Principal | null> {
    const id = readCookie(headers, this.cookies.session);
    if (id === null || !isSessionIdShape(id)) return null;
    const record = await this.store.get(hashSessionId(id));
    return record !== null && isLive(record, this.now()) ? principalOf(record) : null;
  }

  /**
   * The principal for a request authenticated by the session cookie, or null without a live
   * session. Writes (anything but GET/HEAD/OPTIONS) must carry the session's CSRF token in
   * X-Faramesh-CSRF, or they are refused with 403 `csrf_token_invalid`.
   */
  async authenticate(method: string, headers: IncomingHttpHeaders): Promise<Principal | null> {
    const session = await this.current(headers);
    if (session === null) return null;
    const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
    if (!safe && !csrfTokenMatches(session.id, headers[CSRF_HEADER])) {
      throw new ApiError(
        'csrf_token_invalid',
        'a signed-in dashboard write needs the X-Faramesh-CSRF header with the token from GET /auth/session',
      );
    }
    return session.principal;
  }

  /** Ends the session the request's cookie names, if any. */
  async close(headers: IncomingHttpHeaders): Promise<boolean> {
    const id = readCookie(headers, this.cookies.session);
    if (id === null || !isSessionIdShape(id)) return false;
    return this.store.delete(hashSessionId(id));
  }

  /** Deletes sessions whose end has passed (a bounded batch per call). */
  sweep(): Promise<number> {
    return this.store.deleteExpired(this.now().toISOString(), SWEEP_BATCH);
  }

  csrfToken(session: LiveSession): string {
    return csrfTokenFor(session.id);
  }
}

/**
 * A person is never an agent: approvers submit nothing, and an admin may act as any agent id, as
 * an admin token may. The role was mapped at login; a change at the provider applies at the next.
 */
function principalOf(record: SessionRecord): Principal | null {
  const role = record.role === 'admin' || record.role === 'approver' ? record.role : null;
  if (role === null) return null;
  return {
    name: record.name,
    role,
    groups: record.groups,
    openMode: false,
    agentIds: role === 'admin' ? ['*'] : [],
    source: 'oidc',
  };
}
