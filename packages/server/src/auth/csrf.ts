import { createHash, timingSafeEqual } from 'node:crypto';

/** The header the dashboard sends with every cookie-authenticated write. */
export const CSRF_HEADER = 'x-faramesh-csrf';

/**
 * The CSRF token of a session, derived from its id (so nothing more is stored): a page on another
 * site can make the browser send the cookie, but can neither read this token (it is only in the
 * JSON of GET /auth/session, which no CORS rule exposes with credentials) nor set a custom header
 * without a preflight this server never grants. Knowing the token does not reveal the id.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`faramesh-csrf\0${sessionId}`, 'utf8').digest('base64url');
}

/** Constant-time check of a presented token against the session's. */
export function csrfTokenMatches(sessionId: string, presented: string | string[] | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionId), 'utf8');
  const given = createHash('sha256').update(presented, 'utf8').digest();
  // Hash both to one length, so neither the length nor a prefix of the token leaks through timing.
  return timingSafeEqual(createHash('sha256').update(expected).digest(), given);
}
