import { readFileSync } from 'node:fs';
import { isLoopbackBind } from './host-config.js';
import { listEntries } from './token-identities.js';

/** The roles a person signed in with OpenID Connect can have: people approve, agents use tokens. */
export type OidcRole = 'admin' | 'approver';

/** Which groups (from the groups claim) give which role; `*` means every signed-in person. */
export type OidcRoleMapping = Readonly<Record<OidcRole, readonly string[]>>;

/** Single sign-on for the dashboard (FARAMESH_OIDC_*); null in ServerConfig when not configured. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Null for a public client (PKCE only). Never logged. */
  clientSecret: string | null;
  /** `<FARAMESH_PUBLIC_URL origin>/auth/callback`, registered at the provider. */
  redirectUri: string;
  /** The origin of FARAMESH_PUBLIC_URL: where logins return and logouts land. */
  publicOrigin: string;
  scopes: string[];
  groupsClaim: string;
  roles: OidcRoleMapping;
  /** FARAMESH_OIDC_PROVIDER_LOGOUT: logout also ends the session at the provider when it supports it. */
  providerLogout: boolean;
  /** An http:// issuer on a loopback address (development and tests); every other issuer is https. */
  insecureIssuer: boolean;
}

/** Dashboard sessions (FARAMESH_SESSION_*). */
export interface SessionSettings {
  /** Seconds without a request after which a session ends. */
  idleSeconds: number;
  /** Seconds after login after which a session ends, however active. */
  maxAgeSeconds: number;
  /** Sessions one person may have at once; a new login beyond it ends their oldest. */
  maxPerUser: number;
  /** The cookie is `Secure` (and `__Host-` prefixed) when FARAMESH_PUBLIC_URL is https. */
  secureCookie: boolean;
}

interface Readers {
  get(...names: string[]): string | undefined;
  int(names: string[], fallback: number, min: number, max: number): number;
  bool(names: string[], fallback: boolean): boolean;
  path(value: string): string;
}

const DEFAULT_SCOPES = 'openid email profile';

/** Reads FARAMESH_SESSION_*: they apply whenever OpenID Connect is configured. */
export function resolveSessionSettings(read: Readers, publicUrl: URL | null, problems: string[]): SessionSettings {
  const idleSeconds = read.int(['FARAMESH_SESSION_IDLE_TIMEOUT'], 1800, 60, 7 * 86_400);
  const maxAgeSeconds = read.int(['FARAMESH_SESSION_MAX_AGE'], 43_200, 300, 30 * 86_400);
  if (idleSeconds > maxAgeSeconds) {
    problems.push(
      `FARAMESH_SESSION_IDLE_TIMEOUT (${idleSeconds}) is longer than FARAMESH_SESSION_MAX_AGE (${maxAgeSeconds})`,
    );
  }
  return {
    idleSeconds,
    maxAgeSeconds,
    maxPerUser: read.int(['FARAMESH_SESSION_MAX_PER_USER'], 10, 1, 1000),
    secureCookie: publicUrl?.protocol === 'https:',
  };
}

/** Reads FARAMESH_OIDC_*; null when FARAMESH_OIDC_ISSUER is not set. Problems are collected, not thrown. */
export function resolveOidcConfig(read: Readers, publicUrl: URL | null, problems: string[]): OidcConfig | null {
  const issuerRaw = read.get('FARAMESH_OIDC_ISSUER');
  if (issuerRaw === undefined) {
    for (const name of ['FARAMESH_OIDC_CLIENT_ID', 'FARAMESH_OIDC_CLIENT_SECRET', 'FARAMESH_OIDC_ROLES']) {
      if (read.get(name) !== undefined) problems.push(`${name} is set but FARAMESH_OIDC_ISSUER is not`);
    }
    return null;
  }
  const issuer = parseIssuer(issuerRaw, problems);
  const clientId = read.get('FARAMESH_OIDC_CLIENT_ID');
  if (clientId === undefined) problems.push('FARAMESH_OIDC_ISSUER is set but FARAMESH_OIDC_CLIENT_ID is not');
  if (publicUrl === null) {
    problems.push(
      'single sign-on (FARAMESH_OIDC_ISSUER) needs FARAMESH_PUBLIC_URL: the provider sends people back to <public url>/auth/callback',
    );
  }
  const scopes = (read.get('FARAMESH_OIDC_SCOPES') ?? DEFAULT_SCOPES).split(/[\s,]+/).filter((s) => s !== '');
  if (!scopes.includes('openid')) problems.push('FARAMESH_OIDC_SCOPES must include openid');
  const roles = parseRoleMapping(read.get('FARAMESH_OIDC_ROLES'), problems);
  const origin = publicUrl?.origin ?? 'http://localhost';
  return {
    issuer: issuer?.href ?? issuerRaw,
    clientId: clientId ?? '',
    clientSecret: readSecret(read, problems),
    redirectUri: `${origin}/auth/callback`,
    publicOrigin: origin,
    scopes: [...new Set(scopes)],
    groupsClaim: read.get('FARAMESH_OIDC_GROUPS_CLAIM') ?? 'groups',
    roles,
    providerLogout: read.bool(['FARAMESH_OIDC_PROVIDER_LOGOUT'], false),
    insecureIssuer: issuer?.protocol === 'http:',
  };
}

/** https always; http only on a loopback host (a provider on the same machine, as in development). */
function parseIssuer(raw: string, problems: string[]): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`FARAMESH_OIDC_ISSUER=${raw} is not an absolute URL`);
    return null;
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackBind(url.hostname)) return url;
  problems.push(`FARAMESH_OIDC_ISSUER=${raw} must be an https:// URL (http:// only for localhost)`);
  return null;
}

/** FARAMESH_OIDC_CLIENT_SECRET, or the first line of the file FARAMESH_OIDC_CLIENT_SECRET_FILE names. */
function readSecret(read: Readers, problems: string[]): string | null {
  const inline = read.get('FARAMESH_OIDC_CLIENT_SECRET');
  const file = read.get('FARAMESH_OIDC_CLIENT_SECRET_FILE');
  if (inline !== undefined && file !== undefined) {
    problems.push('set FARAMESH_OIDC_CLIENT_SECRET or FARAMESH_OIDC_CLIENT_SECRET_FILE, not both');
    return null;
  }
  if (file === undefined) return inline ?? null;
  try {
    const secret = readFileSync(read.path(file), 'utf8').split(/\r?\n/)[0]?.trim() ?? '';
    if (secret === '') problems.push(`FARAMESH_OIDC_CLIENT_SECRET_FILE: ${file} is empty`);
    return secret === '' ? null : secret;
  } catch (error) {
    problems.push(`FARAMESH_OIDC_CLIENT_SECRET_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
    return null;
  }
}

/**
 * FARAMESH_OIDC_ROLES: `admin=group|group,approver=group|group`, or the same as a JSON object
 * (`{"admin": ["cn=ops,dc=corp"]}`) for group names that contain `,`, `|` or `=`. Required: without
 * it nobody could be given a role, and a person with no mapped role is refused.
 */
export function parseRoleMapping(raw: string | undefined, problems: string[]): OidcRoleMapping {
  const mapping: Record<OidcRole, string[]> = { admin: [], approver: [] };
  if (raw === undefined) {
    problems.push(
      'FARAMESH_OIDC_ROLES is required with FARAMESH_OIDC_ISSUER (e.g. admin=platform-admins,approver=finance|sre): people without a mapped role are refused',
    );
    return mapping;
  }
  const entries = raw.trimStart().startsWith('{')
    ? jsonEntries(raw, problems)
    : listEntries('FARAMESH_OIDC_ROLES', raw, problems);
  for (const [role, groups] of entries) {
    if (role !== 'admin' && role !== 'approver') {
      problems.push(
        `FARAMESH_OIDC_ROLES: "${role}" is not a role people sign in with (admin or approver; agents use tokens)`,
      );
      continue;
    }
    mapping[role].push(...groups);
  }
  if (mapping.admin.length === 0 && mapping.approver.length === 0 && entries.length > 0) {
    problems.push('FARAMESH_OIDC_ROLES maps no group to a role');
  }
  return { admin: [...new Set(mapping.admin)], approver: [...new Set(mapping.approver)] };
}

function jsonEntries(raw: string, problems: string[]): Array<[string, string[]]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('FARAMESH_OIDC_ROLES starts with { but is not valid JSON');
    return [];
  }
  const entries: Array<[string, string[]]> = [];
  for (const [role, groups] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(groups) || groups.length === 0 || groups.some((g) => typeof g !== 'string' || g === '')) {
      problems.push(`FARAMESH_OIDC_ROLES: "${role}" must be a non-empty list of group names`);
      continue;
    }
    entries.push([role, groups as string[]]);
  }
  return entries;
}
