/**
 * The DSN as it may appear in logs, errors and /ready: user, host, port and database, never the
 * password. Key-value DSNs ("host=... dbname=...") are reduced to the same parts.
 */
export function describeDsn(dsn: string): string {
  try {
    const url = new URL(dsn);
    if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
      const host = url.hostname || url.searchParams.get('host') || 'localhost';
      const port = url.port || '5432';
      const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || url.username || 'postgres';
      const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
      return `postgres://${user}${host}:${port}/${database}`;
    }
  } catch {
    // Not a URL: fall through to the key-value form.
  }
  const pairs = Object.fromEntries(
    [...dsn.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g)].map((m) => [m[1], m[2]?.replace(/^'|'$/g, '')]),
  );
  const user = pairs.user ? `${pairs.user}@` : '';
  return `postgres://${user}${pairs.host ?? 'localhost'}:${pairs.port ?? '5432'}/${pairs.dbname ?? 'postgres'}`;
}
