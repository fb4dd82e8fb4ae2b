import { createHash, randomBytes } from 'node:crypto';

/** A new session id: 256 random bits, base64url. It lives only in the person's cookie. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the id: a leaked sessions table can't be replayed as cookies. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** Session ids are exactly what newSessionId makes; anything else is not looked up at all. */
export function isSessionIdShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
