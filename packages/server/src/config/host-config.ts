/** Host names that only ever reach this machine: a DNS rebinding page can't make the browser send them. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * FARAMESH_ALLOWED_HOSTS (comma-separated host names, any port) and the host of
 * FARAMESH_PUBLIC_URL, lowercased. Entries are plain host names or IP literals (IPv6 in brackets);
 * a port, scheme or path in an entry is a mistake and reported.
 */
export function parseAllowedHosts(raw: string | undefined, problems: string[]): string[] {
  const hosts: string[] = [];
  for (const entry of (raw ?? '').split(',')) {
    const host = entry.trim().toLowerCase();
    if (host === '') continue;
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/.test(host)) {
      problems.push(`FARAMESH_ALLOWED_HOSTS: "${entry.trim()}" is not a host name (no scheme, port or path)`);
      continue;
    }
    hosts.push(host);
  }
  return hosts;
}

/** FARAMESH_PUBLIC_URL: the absolute http(s) URL people and webhooks use to reach this server. */
export function parsePublicUrl(raw: string | undefined, problems: string[]): URL | null {
  if (raw === undefined) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`FARAMESH_PUBLIC_URL=${raw} is not an absolute URL`);
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`FARAMESH_PUBLIC_URL=${raw} must be an http:// or https:// URL`);
    return null;
  }
  return url;
}

/** True for bind addresses that accept connections from this machine only. */
export function isLoopbackBind(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}
