import type { IncomingHttpHeaders } from 'node:http';
import type { HostCheck } from './host-guard.js';

/**
 * Refuses cross-site state changes. Bearer tokens are not ambient, but in open mode (no tokens) a
 * page on another site could otherwise drive a local server. Browsers mark their requests with
 * Sec-Fetch-Site and Origin; non-browser clients send neither and pass. An Origin equal to the Host
 * is same-origin only if that Host is one this server accepts: under DNS rebinding both name the
 * attacker's domain, so `hostCheck` (when there is one) must accept the origin's host too.
 */
export function isCrossSiteWrite(
  method: string,
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
  hostCheck: HostCheck | null = null,
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
    const originHost = new URL(origin).host;
    if (host === undefined || originHost !== host) return true;
    return hostCheck !== null && !hostCheck(originHost);
  } catch {
    return true;
  }
}
