import type { ServerConfig } from '../config/config.js';
import { LOOPBACK_HOSTS } from '../config/host-config.js';

/** Answers whether a Host header names this server; null when every Host is accepted. */
export type HostCheck = (hostHeader: string | undefined) => boolean;

/**
 * The DNS rebinding guard. A page on `rebind.evil.example` whose name the attacker re-points at
 * 127.0.0.1 talks to this server as same-origin, so Origin and Host agree and only the Host name
 * tells it apart. In open mode (no tokens: every caller is admin) only loopback names and the
 * configured hosts are accepted. With tokens the check applies only when FARAMESH_ALLOWED_HOSTS or
 * FARAMESH_PUBLIC_URL is set: a rebinding page can't present a bearer token it doesn't know, and
 * servers behind load balancers and probes (Kubernetes sends the pod IP) see many Host values.
 */
export function createHostCheck(
  config: Pick<ServerConfig, 'tokens' | 'allowedHosts'> & { oidc?: unknown },
): HostCheck | null {
  const closed = config.tokens.length > 0 || (config.oidc ?? null) !== null;
  if (closed && config.allowedHosts.length === 0) return null;
  const allowed = new Set([...LOOPBACK_HOSTS, ...config.allowedHosts]);
  return (hostHeader) => {
    const name = hostNameOf(hostHeader);
    return name !== null && allowed.has(name);
  };
}

/** The lowercased host name of a Host header (`[::1]` keeps its brackets), or null when malformed. */
export function hostNameOf(hostHeader: string | undefined): string | null {
  if (hostHeader === undefined) return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^\s[\]:@/?#]+)(?::(\d{1,5}))?$/.exec(hostHeader);
  return match?.[1] === undefined ? null : match[1].toLowerCase();
}
