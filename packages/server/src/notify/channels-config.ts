import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type EmailChannelConfig, readEmailChannels, readLinkKey } from './email-config.js';
import { readSecretValues } from './secret-values.js';
import { readSlackConfig, type SlackConfig } from './slack-config.js';
import { WEBHOOK_SECRET, webhookKey } from './webhook-signature.js';

/** How the outbox worker delivers (the `delivery:` section of FARAMESH_CHANNELS_FILE). */
export interface DeliverySettings {
  /** Attempts before a message is dead-lettered (a claim counts as one). */
  maxAttempts: number;
  /** Backoff before retry n (1-based): random in [0, min(maxMs, baseMs * 2^(n-1))] ("full jitter"). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a claimed message stays with one replica; after it another may deliver it. */
  leaseMs: number;
  /** Deliveries in flight at once per replica; also the claim batch size. */
  concurrency: number;
  /** How often an idle worker looks for due messages. */
  pollMs: number;
}

export interface WebhookConfig {
  name: string;
  url: URL;
  events: string[];
  /** Key bytes of each secret (two during a rotation). Never logged or returned. */
  keys: Buffer[];
  timeoutMs: number;
}

export interface ChannelsConfig {
  /** FARAMESH_CHANNELS_FILE, or null when no channels are configured. */
  file: string | null;
  webhooks: WebhookConfig[];
  /** The `slack:` section (one Slack app), or null without one. */
  slack: SlackConfig | null;
  delivery: DeliverySettings;
  /** Email channels (`email:`, email-config.ts). */
  email: EmailChannelConfig[];
  /** FARAMESH_EMAIL_LINK_SECRET: signs the email channels' approval links; null without email channels. */
  emailLinkKey: Buffer | null;
  /** Where it was read from (file, environment), so that a reload reads it the same way. */
  source?: ChannelsSource;
}

/** Most deliveries in flight per replica that `delivery.concurrency` may ask for. */
export const MAX_DELIVERY_CONCURRENCY = 64;

export const DEFAULT_DELIVERY: DeliverySettings = {
  maxAttempts: 8,
  backoffBaseMs: 1000,
  backoffMaxMs: 15 * 60_000,
  leaseMs: 60_000,
  concurrency: 16,
  pollMs: 1000,
};

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const WEBHOOK_KEYS = new Set(['url', 'events', 'secret_env', 'secret_file', 'timeout_ms']);
const DELIVERY_KEYS: Record<string, [keyof DeliverySettings, number, number]> = {
  max_attempts: ['maxAttempts', 1, 100],
  backoff_base_ms: ['backoffBaseMs', 1, 3_600_000],
  backoff_max_ms: ['backoffMaxMs', 1, 86_400_000],
  lease_ms: ['leaseMs', 1000, 3_600_000],
  concurrency: ['concurrency', 1, MAX_DELIVERY_CONCURRENCY],
  poll_ms: ['pollMs', 10, 60_000],
};

export interface ChannelsSource {
  /** FARAMESH_CHANNELS_FILE, resolved to an absolute path. */
  file: string | null;
  /** Reads an environment variable (flag > environment > .env). */
  env(name: string): string | undefined;
  path(value: string): string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Reads FARAMESH_CHANNELS_FILE: `webhooks:` (name → url, events, secret_env / secret_file,
 * timeout_ms) and `delivery:`. Secrets come only from environment variables or files named there,
 * never inline. Problems are pushed with the file and key named (never a secret's value).
 */
export function resolveChannelsConfig(source: ChannelsSource, problems: string[]): ChannelsConfig {
  const config: ChannelsConfig = {
    file: source.file,
    webhooks: [],
    slack: null,
    delivery: { ...DEFAULT_DELIVERY },
    email: [],
    emailLinkKey: null,
    source,
  };
  if (source.file === null) return config;
  const where = `FARAMESH_CHANNELS_FILE (${source.file})`;
  let doc: unknown;
  try {
    doc = parse(readFileSync(source.file, 'utf8')) ?? {};
  } catch (error) {
    problems.push(`${where}: ${(error as NodeJS.ErrnoException).code ?? 'invalid YAML'}: cannot be read as YAML`);
    return config;
  }
  if (!isRecord(doc)) {
    problems.push(`${where}: must be a mapping with \`webhooks\`, \`slack\`, \`email\` and/or \`delivery\``);
    return config;
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'webhooks' && key !== 'delivery' && key !== 'email' && key !== 'slack')
      problems.push(`${where}: unknown key \`${key}\` (webhooks, slack, email, delivery)`);
  }
  readDelivery(doc.delivery, `${where}: delivery`, config.delivery, problems);
  if (doc.slack !== undefined) config.slack = readSlackConfig(doc.slack, `${where}: slack`, source, problems);
  config.email = readEmailChannels(doc.email, `${where}: email`, source, problems);
  if (doc.email !== undefined) config.emailLinkKey = readLinkKey(source, problems);
  const webhookNames = new Set(Object.keys(isRecord(doc.webhooks) ? doc.webhooks : {}));
  const slackNames = new Set((config.slack?.channels ?? []).map((channel) => channel.name));
  for (const { name } of config.email) {
    if (webhookNames.has(name))
      problems.push(`${where}: email.${name}: a webhook has the same name; channel names are unique`);
    if (slackNames.has(name))
      problems.push(`${where}: email.${name}: a Slack channel has the same name; channel names are unique`);
  }
  if (doc.webhooks === undefined) return config;
  if (!isRecord(doc.webhooks)) {
    problems.push(`${where}: webhooks must map endpoint names to settings`);
    return config;
  }
  for (const [name, raw] of Object.entries(doc.webhooks)) {
    const webhook = readWebhook(name, raw, `${where}: webhooks.${name}`, source, problems);
    if (webhook !== null) config.webhooks.push(webhook);
  }
  for (const { name } of config.slack?.channels ?? []) {
    if (Object.hasOwn(doc.webhooks, name))
      problems.push(`${where}: the name ${name} is both a webhook and a Slack channel`);
  }
  return config;
}

function readDelivery(raw: unknown, where: string, into: DeliverySettings, problems: string[]): void {
  if (raw === undefined) return;
  if (!isRecord(raw)) {
    problems.push(`${where} must be a mapping`);
    return;
  }
  for (const [key, value] of Object.entries(raw)) {
    const spec = DELIVERY_KEYS[key];
    if (spec === undefined) {
      problems.push(`${where}: unknown key \`${key}\` (${Object.keys(DELIVERY_KEYS).join(', ')})`);
      continue;
    }
    const [field, min, max] = spec;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${where}.${key} must be an integer between ${min} and ${max}`);
      continue;
    }
    into[field] = value;
  }
}

function readWebhook(
  name: string,
  raw: unknown,
  where: string,
  source: ChannelsSource,
  problems: string[],
): WebhookConfig | null {
  const before = problems.length;
  if (!NAME.test(name)) problems.push(`${where}: the name must be lowercase letters, digits, - or _`);
  if (!isRecord(raw)) {
    problems.push(`${where} must be a mapping with url, events and secret_env or secret_file`);
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!WEBHOOK_KEYS.has(key)) problems.push(`${where}: unknown key \`${key}\` (${[...WEBHOOK_KEYS].join(', ')})`);
  }
  let url: URL | null = null;
  try {
    url = new URL(String(raw.url));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push(`${where}.url must be http or https, not ${url.protocol}`);
    }
    if (url.username !== '' || url.password !== '') problems.push(`${where}.url must not carry credentials`);
  } catch {
    problems.push(`${where}.url is missing or not a URL`);
  }
  const events = asList(raw.events);
  if (events.length === 0 || !events.every((e) => typeof e === 'string' && /^(\*|[a-z_]{1,64})$/.test(e))) {
    problems.push(`${where}.events must list ledger event types (e.g. decision_made, approved) or '*'`);
  }
  const keys = readSecrets(raw, where, source, problems);
  const timeoutMs = raw.timeout_ms ?? 5000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    problems.push(`${where}.timeout_ms must be an integer between 100 and 60000`);
  }
  if (problems.length > before || url === null) return null;
  return { name, url, events: events as string[], keys, timeoutMs: timeoutMs as number };
}

/** One or two secrets (rotation), each from an env variable or a file named in the config. */
function readSecrets(
  raw: Record<string, unknown>,
  where: string,
  source: ChannelsSource,
  problems: string[],
): Buffer[] {
  const secrets = readSecretValues(raw, 'secret', where, source, problems);
  if (secrets.length === 0 || secrets.length > 2) {
    problems.push(`${where} needs one secret (two while rotating) in secret_env or secret_file`);
    return [];
  }
  const keys: Buffer[] = [];
  for (const { label, value } of secrets) {
    if (value === undefined || value === '') {
      problems.push(`${where}: ${label} is not set`);
      continue;
    }
    if (!WEBHOOK_SECRET.test(value)) {
      problems.push(`${where}: ${label} is not a whsec_ secret`);
      continue;
    }
    try {
      keys.push(webhookKey(value));
    } catch (error) {
      problems.push(`${where}: ${label} ${(error as Error).message}`);
    }
  }
  return keys;
}

/** Every configured channel's name (webhook endpoints, Slack channels, email channels): what `notify:` may name. */
export function channelNames(config: Pick<ChannelsConfig, 'webhooks' | 'slack' | 'email'>): string[] {
  return [
    ...config.webhooks.map((webhook) => webhook.name),
    ...(config.slack?.channels ?? []).map((c) => c.name),
    ...config.email.map((channel) => channel.name),
  ];
}

/**
 * Refuses webhooks that point back at this server (a loop) — the same origin as FARAMESH_PUBLIC_URL,
 * or a loopback / unspecified / the listen host at the port it listens on. Returns the problems.
 */
export function selfPointingWebhooks(
  webhooks: readonly WebhookConfig[],
  server: { host: string; port: number; publicUrl: string | null },
): string[] {
  const local = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', '[::]', server.host.toLowerCase()]);
  const publicOrigin = server.publicUrl === null ? null : new URL(server.publicUrl).origin;
  const problems: string[] = [];
  for (const webhook of webhooks) {
    const { url } = webhook;
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.toLowerCase();
    const self = url.origin === publicOrigin || ((local.has(host) || host.startsWith('127.')) && port === server.port);
    if (self) problems.push(`webhook ${webhook.name} points at this server itself (${url.origin}); refusing to start`);
  }
  return problems;
}
