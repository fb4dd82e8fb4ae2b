import { isAbsolute, resolve } from 'node:path';
import { type ChannelsConfig, resolveChannelsConfig, selfPointingWebhooks } from '../notify/channels-config.js';
import { emailChannelProblems } from '../notify/email-config.js';
import { resolveKeyRotation } from '../redaction/key-id-verdict.js';
import { type RedactionKey, resolveRedactionKey } from '../redaction/redaction-key.js';
import { parseAllowedHosts, parsePublicUrl } from './host-config.js';
import { type LedgerConfig, resolveLedgerConfig } from './ledger-config.js';
import { type ResourceLimits, resolveLimits } from './limits-config.js';
import { type OidcConfig, resolveOidcConfig, resolveSessionSettings, type SessionSettings } from './oidc-config.js';
import { resolveShadowConfig, type ShadowConfig } from './shadow-config.js';
import { applyTokenEmails } from './token-emails.js';
import { applyTokenIdentities } from './token-identities.js';

/**
 * The one place that reads configuration. Precedence: flag > environment > `.env` > default.
 * Legacy names of the seed documents (FARACORE_*, FARA_API_*, FARA_AUTH_TOKEN) are read as fallbacks.
 */
export interface ServerConfig {
  host: string;
  port: number;
  /** Admin tokens (FARAMESH_TOKEN) and role-scoped tokens (FARAMESH_TOKENS). */
  tokens: TokenSpec[];
  enableCors: boolean;
  corsOrigins: string[];
  demo: boolean;
  hotReload: boolean;
  policyFile: string;
  dbBackend: 'sqlite' | 'postgres';
  sqlitePath: string;
  postgresDsn: string | null;
  /** Seconds a pending approval stays open before it expires (denied by default); 0 = never. */
  approvalTtlSeconds: number;
  /** Seconds an approval stays valid for starting execution before it lapses to `expired`; 0 = never. */
  approvedTtlSeconds: number;
  /** The longest a standing grant may last (FARAMESH_GRANT_MAX_TTL, seconds). */
  grantMaxTtlSeconds: number;
  maxBodyBytes: number;
  sseHeartbeatMs: number;
  /** Open SSE connections allowed at once; more get 429 (each holds a socket and a listener). */
  maxStreams: number;
  logLevel: string;
  logRequests: boolean;
  uiDir: string | null;
  /**
   * Host names (any port) the Host header may carry besides loopback (FARAMESH_ALLOWED_HOSTS, plus
   * the host of FARAMESH_PUBLIC_URL). Enforced always in open mode, and with tokens when set.
   */
  allowedHosts: string[];
  /** FARAMESH_PUBLIC_URL: where people reach this server; its host is allowed. */
  publicUrl: string | null;
  /** FARAMESH_ALLOW_OPEN_NETWORK: start in open mode on a non-loopback address anyway. */
  allowOpenNetwork: boolean;
  /** FARAMESH_MIN_FREE_BYTES: below this much free space on the SQLite filesystem, /ready says disk_full. */
  minFreeBytes: number;
  /** Memory bounds and per-caller limits (limits-config.ts). */
  limits: ResourceLimits;
  /** Checkpoint key and file, check intervals (FARAMESH_LEDGER_KEY, FARAMESH_CHECKPOINT_*). */
  ledger: LedgerConfig;
  /** Single sign-on for the dashboard (FARAMESH_OIDC_*); null when not configured. */
  oidc: OidcConfig | null;
  /** Dashboard session timeouts and cap (FARAMESH_SESSION_*); used with `oidc`. */
  sessions: SessionSettings;
  /** Notification channels and delivery settings (FARAMESH_CHANNELS_FILE). */
  channels: ChannelsConfig;
  /** The shadow policy file and what counts as a disagreement (FARAMESH_SHADOW_*). */
  shadow: ShadowConfig;
  /** FARAMESH_REDACTION_KEY: the HMAC key of redacted values; null = a policy with `redact:` won't load. */
  redactionKey?: RedactionKey | null;
  /**
   * FARAMESH_REDACTION_KEY_ROTATE: the redaction key id recorded in the database that this start may
   * replace by its own key's (redaction/key-id-verdict.ts); null = a recorded id must be this key's.
   */
  redactionKeyRotate?: string | null;
}

export interface TokenSpec {
  name: string;
  role: 'agent' | 'approver' | 'admin';
  token: string;
  /** Groups of this identity (FARAMESH_TOKEN_GROUPS), for `principal_group:` in policies. */
  groups?: string[];
  /**
   * Agent-id globs an agent token may submit as (FARAMESH_AGENT_BINDINGS); when absent, its own
   * name and `name/*`. Admins may submit as any agent id; approvers don't submit.
   */
  agentIds?: string[];
  /** Where email channels reach this identity (FARAMESH_TOKEN_EMAILS). */
  email?: string;
  /**
   * A seed-style shared token (FARAMESH_TOKEN): one identity for whoever holds it, so separation of
   * duties can't be enforced for it (its holder may decide on actions it submitted; recorded as such).
   */
  shared?: boolean;
}

export interface ConfigFlags {
  host?: string | undefined;
  port?: number | undefined;
  hotReload?: boolean | undefined;
  demo?: boolean | undefined;
  policyFile?: string | undefined;
  dbPath?: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
}

type Source = Record<string, string | undefined>;

/** Builds the configuration from flags, the process environment and the parsed `.env` values. */
export function resolveConfig(flags: ConfigFlags, env: Source, dotenv: Source, cwd: string): ServerConfig {
  const problems: string[] = [];
  const get = (...names: string[]): string | undefined => {
    for (const source of [env, dotenv]) {
      for (const name of names) {
        const value = source[name];
        if (value !== undefined && value !== '') return value;
      }
    }
    return undefined;
  };
  const bool = (names: string[], fallback: boolean): boolean => {
    const raw = get(...names);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${names[0]}=${raw} is not a boolean (use 1 or 0)`);
    return fallback;
  };
  const int = (names: string[], fallback: number, min: number, max: number): number => {
    const raw = get(...names);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${names[0]}=${raw} must be an integer between ${min} and ${max}`);
      return fallback;
    }
    return value;
  };
  const path = (value: string): string => (isAbsolute(value) ? value : resolve(cwd, value));

  const port = flags.port ?? int(['FARAMESH_PORT', 'FARACORE_PORT', 'FARA_API_PORT'], 8000, 0, 65535);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`port ${port} is out of range`);

  const backend = get('FARA_DB_BACKEND') ?? 'sqlite';
  if (backend !== 'sqlite' && backend !== 'postgres') {
    problems.push(`FARA_DB_BACKEND=${backend} is not supported (use sqlite or postgres)`);
  }
  const dsn = get('FARA_POSTGRES_DSN') ?? null;
  if (backend === 'postgres' && dsn === null) problems.push('FARA_DB_BACKEND=postgres needs FARA_POSTGRES_DSN');

  const tokens = parseTokens(
    get('FARAMESH_TOKEN', 'FARACORE_TOKEN', 'FARA_AUTH_TOKEN'),
    get('FARAMESH_TOKENS'),
    problems,
  );
  applyTokenIdentities(tokens, get('FARAMESH_AGENT_BINDINGS'), get('FARAMESH_TOKEN_GROUPS'), problems);
  applyTokenEmails(tokens, get('FARAMESH_TOKEN_EMAILS'), problems);
  const publicUrl = parsePublicUrl(get('FARAMESH_PUBLIC_URL'), problems);
  const allowedHosts = parseAllowedHosts(get('FARAMESH_ALLOWED_HOSTS'), problems);
  if (publicUrl !== null) allowedHosts.push(publicUrl.hostname.toLowerCase());

  const corsOrigins = (get('FARAMESH_CORS_ORIGINS') ?? '*')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');

  const uiDir = get('FARAMESH_UI_DIR');
  const config: ServerConfig = {
    host: flags.host ?? get('FARAMESH_HOST', 'FARACORE_HOST', 'FARA_API_HOST') ?? '127.0.0.1',
    port,
    tokens,
    enableCors: bool(['FARAMESH_ENABLE_CORS', 'FARACORE_ENABLE_CORS'], false),
    corsOrigins,
    demo: flags.demo ?? bool(['FARAMESH_DEMO', 'FARACORE_DEMO'], false),
    hotReload: flags.hotReload ?? bool(['FARAMESH_HOT_RELOAD', 'FARACORE_HOT_RELOAD'], false),
    policyFile: path(flags.policyFile ?? get('FARA_POLICY_FILE') ?? 'policies/default.yaml'),
    dbBackend: backend === 'postgres' ? 'postgres' : 'sqlite',
    sqlitePath: path(flags.dbPath ?? get('FARA_SQLITE_PATH') ?? 'data/actions.db'),
    postgresDsn: dsn,
    approvalTtlSeconds: int(['FARAMESH_APPROVAL_TTL'], 3600, 0, 31_536_000),
    approvedTtlSeconds: int(['FARAMESH_APPROVED_TTL'], 900, 0, 31_536_000),
    grantMaxTtlSeconds: int(['FARAMESH_GRANT_MAX_TTL'], 28_800, 60, 31_536_000),
    maxBodyBytes: int(['FARAMESH_MAX_BODY_BYTES'], 1_048_576, 1024, 67_108_864),
    sseHeartbeatMs: int(['FARAMESH_SSE_HEARTBEAT_MS'], 15_000, 100, 600_000),
    maxStreams: int(['FARAMESH_MAX_STREAMS'], 10_000, 1, 1_000_000),
    logLevel: get('FARAMESH_LOG_LEVEL') ?? 'info',
    logRequests: bool(['FARAMESH_LOG_REQUESTS'], false),
    uiDir: uiDir === undefined ? null : path(uiDir),
    allowedHosts: [...new Set(allowedHosts)],
    publicUrl: publicUrl?.href ?? null,
    allowOpenNetwork: bool(['FARAMESH_ALLOW_OPEN_NETWORK'], false),
    minFreeBytes: int(['FARAMESH_MIN_FREE_BYTES'], 16 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    limits: resolveLimits(get, int, problems),
    ledger: resolveLedgerConfig({ get, int, path }, problems),
    oidc: resolveOidcConfig({ get, int, bool, path }, publicUrl, problems),
    sessions: resolveSessionSettings({ get, int, bool, path }, publicUrl, problems),
    channels: resolveChannelsConfig(
      {
        file: ((file) => (file === undefined ? null : path(file)))(get('FARAMESH_CHANNELS_FILE')),
        env: (name) => get(name),
        path,
      },
      problems,
    ),
    shadow: resolveShadowConfig({ get, path }, problems),
    redactionKey: resolveRedactionKey(get('FARAMESH_REDACTION_KEY'), problems),
    redactionKeyRotate: resolveKeyRotation(
      get('FARAMESH_REDACTION_KEY_ROTATE'),
      get('FARAMESH_REDACTION_KEY') !== undefined,
      problems,
    ),
  };
  if (port !== 0) problems.push(...selfPointingWebhooks(config.channels.webhooks, config));
  problems.push(...emailChannelProblems(config.channels.email, config));
  // With no tokens every caller is admin; `*` would let any web page read and approve.
  if (config.enableCors && tokens.length === 0 && corsOrigins.includes('*')) {
    problems.push(
      'FARAMESH_ENABLE_CORS=1 with FARAMESH_CORS_ORIGINS=* in open mode (no tokens) would let any web page approve actions; list the origins you trust in FARAMESH_CORS_ORIGINS, or configure FARAMESH_TOKEN/FARAMESH_TOKENS',
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return config;
}

const ROLES = new Set(['agent', 'approver', 'admin']);

/**
 * FARAMESH_TOKEN: one admin token, or several separated by commas (seed-compatible: any token there
 * is an admin token). FARAMESH_TOKENS: `name:role:token` entries separated by commas.
 */
function parseTokens(adminRaw: string | undefined, scopedRaw: string | undefined, problems: string[]): TokenSpec[] {
  const tokens: TokenSpec[] = [];
  const admin = (adminRaw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const entry of (scopedRaw ?? '').split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const first = trimmed.indexOf(':');
    const second = trimmed.indexOf(':', first + 1);
    if (first <= 0 || second <= first + 1 || second === trimmed.length - 1) {
      problems.push('FARAMESH_TOKENS entries must look like name:role:token');
      continue;
    }
    const name = trimmed.slice(0, first);
    const role = trimmed.slice(first + 1, second);
    const token = trimmed.slice(second + 1);
    if (!ROLES.has(role)) {
      problems.push(`FARAMESH_TOKENS: role "${role}" of "${name}" must be agent, approver or admin`);
      continue;
    }
    tokens.push({ name, role: role as TokenSpec['role'], token });
  }
  // FARAMESH_TOKEN is also the CLI's own client token: a shell that exports it with the value of a
  // named token in FARAMESH_TOKENS means that person, not a second, shared admin. The named identity
  // wins (the stricter reading: separation of duties applies to it).
  const named = new Set(tokens.map((spec) => spec.token));
  const shared = admin.filter((token) => !named.has(token));
  shared.forEach((token, index) => {
    tokens.push({ name: shared.length === 1 ? 'admin' : `admin-${index + 1}`, role: 'admin', token, shared: true });
  });
  for (const spec of tokens) {
    if (spec.token.length < 8) problems.push(`token of "${spec.name}" is shorter than 8 characters`);
  }
  const names = new Set<string>();
  for (const spec of tokens) {
    if (names.has(spec.name)) problems.push(`token name "${spec.name}" is used twice`);
    names.add(spec.name);
  }
  const values = new Set<string>();
  for (const spec of tokens) {
    if (values.has(spec.token)) problems.push(`the token of "${spec.name}" is also given to another name`);
    values.add(spec.token);
  }
  return tokens;
}
