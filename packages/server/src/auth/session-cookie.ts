import type { IncomingHttpHeaders } from 'node:http';

/**
 * The cookies of dashboard sign-in: the session and, for the few minutes of a login round trip, the
 * login state. Both are HttpOnly (no script reads them), SameSite=Lax (not sent with cross-site
 * POSTs; sent on the provider's redirect back, a top-level GET) and Path=/. Behind https they are
 * also Secure and `__Host-` prefixed, which browsers only accept from this exact host over https:
 * no sibling subdomain can set or overwrite them.
 */
export interface CookieNames {
  session: string;
  login: string;
}

export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { session: '__Host-faramesh_session', login: '__Host-faramesh_login' }
    : { session: 'faramesh_session', login: 'faramesh_login' };
}

/** A Set-Cookie value; `maxAgeSeconds` 0 deletes the cookie. */
export function setCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The value of one cookie in the request, or null. Values this server sets are base64url only. */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | null {
  const header = headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals === -1 || part.slice(0, equals).trim() !== name) continue;
    const value = part.slice(equals + 1).trim();
    return /^[A-Za-z0-9_.-]{1,4096}$/.test(value) ? value : null;
  }
  return null;
}
