import type { IncomingHttpHeaders } from 'node:http';

/**
 * Refuses cross-site state changes. Bearer tokens are not ambient, but in open mode (no tokens) a
 * page on another site could otherwise drive a local server. Browsers mark their requests with
 * Sec-Fetch-Site and Origin; non-browser clients send neither and pass.
 */
export function isCrossSiteWrite(
  method: string,
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  const origin = headers.origin;
  if (origin !== undefined && allowedOrigins.includes(origin)) return false;
  if (origin !== undefined && allowedOrigins.includes('*')) return false;
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site') return true;
  if (origin === undefined || origin === 'null') return origin === 'null';
  const host = headers.host;
  try {
    return host === undefined || new URL(origin).host !== host;
  } catch {
    return true;
  }
}
