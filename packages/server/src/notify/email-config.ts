import { readFileSync } from 'node:fs';
import { parseApproverRef } from '@faramesh/policy';
import { isEmailAddress, type MailboxSpec, parseMailbox } from './email-address.js';

/** How the channel talks to its SMTP server (`email.NAME.smtp`). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS, usually port 465). */
  secure: boolean;
  /** Without `secure`: `required` refuses a server that doesn't offer STARTTLS; `never` stays plaintext. */
  starttls: 'required' | 'opportunistic' | 'never';
  username: string | null;
  /** From `password_env` or `password_file`. Never logged, stored or shown. */
  password: string | null;
  /** PEM certificates to trust besides the system's (a private CA), from `ca_file`. */
  ca: string | null;
  timeoutMs: number;
}

/** One email channel of FARAMESH_CHANNELS_FILE (`email.NAME`). */
export interface EmailChannelConfig {
  name: string;
  smtp: SmtpSettings;
  from: MailboxSpec;
  /**
   * Who gets a message, as written: identities (`alice@corp.example`, `user:bob`), groups declared in
   * the policy (`finance`), `group:NAME` (environment tokens with that group), or `approvers` (whoever
   * may decide the action, from its rule).
   */
  recipients: string[];
  /** Ledger events that send a message on their own (besides a rule's `notify:`): decision_made, escalated. */
  events: string[];
  /** Seconds an Approve / Deny link stays valid. */
  linkTtlSeconds: number;
  /** Links decide without a sign-in (still signed, single-use, bound to the recipient). Off by default. */
  linkOnly: boolean;
}

export const DEFAULT_LINK_TTL_SECONDS = 15 * 60;
export const MAX_LINK_TTL_SECONDS = 24 * 3600;
/** The minimum length of FARAMESH_EMAIL_LINK_SECRET (it keys the links' HMAC). */
export const MIN_LINK_SECRET_CHARS = 32;
/** Recipients a channel may list, and addresses one message may fan out to. */
export const MAX_RECIPIENTS = 500;

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$/;
const CHANNEL_KEYS = ['smtp', 'from', 'recipients', 'events', 'link_ttl_seconds', 'link_only'];
const SMTP_KEYS = [
  'host',
  'port',
  'secure',
  'starttls',
  'username',
  'password_env',
  'password_file',
  'ca_file',
  'timeout_ms',
];
const EMAIL_EVENTS = new Set(['decision_made', 'escalated']);

export interface EmailSource {
  env(name: string): string | undefined;
  path(value: string): string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const unknownKeys = (raw: Record<string, unknown>, known: string[], where: string, problems: string[]) => {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.push(`${where}: unknown key \`${key}\` (${known.join(', ')})`);
  }
};

/**
 * Reads the `email:` section (channel name → settings). Secrets (the SMTP password) come only from
 * an environment variable or a file named there; problems name the key, never a secret's value.
 */
export function readEmailChannels(
  raw: unknown,
  where: string,
  source: EmailSource,
  problems: string[],
): EmailChannelConfig[] {
  if (raw === undefined) return [];
  if (!isRecord(raw)) {
    problems.push(`${where} must map channel names to settings`);
    return [];
  }
  const channels: EmailChannelConfig[] = [];
  for (const [name, settings] of Object.entries(raw)) {
    const channel = readChannel(name, settings, `${where}.${name}`, source, problems);
    if (channel !== null) channels.push(channel);
  }
  return channels;
}

function readChannel(
  name: string,
  raw: unknown,
  where: string,
  source: EmailSource,
  problems: string[],
): EmailChannelConfig | null {
  const before = problems.length;
  if (!NAME.test(name)) problems.push(`${where}: the name must be lowercase letters, digits, - or _`);
  if (!isRecord(raw)) {
    problems.push(`${where} must be a mapping with smtp, from and recipients`);
    return null;
  }
  unknownKeys(raw, CHANNEL_KEYS, where, problems);
  const smtp = readSmtp(raw.smtp, `${where}.smtp`, source, problems);
  const from = parseMailbox(raw.from);
  if (from === null)
    problems.push(`${where}.from must be an address (faramesh@corp.example or "Faramesh <faramesh@corp.example>")`);
  const recipients = readRecipients(raw.recipients, `${where}.recipients`, problems);
  const events = raw.events === undefined ? [] : raw.events;
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string' && EMAIL_EVENTS.has(e))) {
    problems.push(`${where}.events may list decision_made and escalated (messages are sent for pending actions only)`);
  }
  const ttl = raw.link_ttl_seconds ?? DEFAULT_LINK_TTL_SECONDS;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_LINK_TTL_SECONDS) {
    problems.push(`${where}.link_ttl_seconds must be an integer between 60 and ${MAX_LINK_TTL_SECONDS}`);
  }
  const linkOnly = raw.link_only ?? false;
  if (typeof linkOnly !== 'boolean') problems.push(`${where}.link_only must be true or false`);
  if (problems.length > before || smtp === null || from === null) return null;
  return {
    name,
    smtp,
    from,
    recipients,
    events: events as string[],
    linkTtlSeconds: ttl as number,
    linkOnly: linkOnly as boolean,
  };
}

function readRecipients(raw: unknown, where: string, problems: string[]): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_RECIPIENTS) {
    problems.push(`${where} must list 1 to ${MAX_RECIPIENTS} identities, groups or \`approvers\``);
    return [];
  }
  const recipients: string[] = [];
  raw.forEach((item, index) => {
    if (item === 'approvers') {
      recipients.push(item);
      return;
    }
    const parsed = typeof item === 'string' ? parseApproverRef(item, 'approvers') : null;
    if (parsed === null || !('ref' in parsed)) {
      const problem = parsed === null ? 'must be a string' : parsed.problem;
      problems.push(`${where}[${index}] ${problem}`);
      return;
    }
    recipients.push(item as string);
  });
  return recipients;
}

function readSmtp(raw: unknown, where: string, source: EmailSource, problems: string[]): SmtpSettings | null {
  if (!isRecord(raw)) {
    problems.push(`${where} must be a mapping with at least host`);
    return null;
  }
  const before = problems.length;
  unknownKeys(raw, SMTP_KEYS, where, problems);
  if (typeof raw.host !== 'string' || !HOST.test(raw.host))
    problems.push(`${where}.host must be a host name or address`);
  const secure = raw.secure ?? false;
  if (typeof secure !== 'boolean') problems.push(`${where}.secure must be true or false`);
  const port = raw.port ?? (secure === true ? 465 : 587);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`${where}.port must be an integer between 1 and 65535`);
  }
  const starttls = raw.starttls ?? 'required';
  if (starttls !== 'required' && starttls !== 'opportunistic' && starttls !== 'never') {
    problems.push(`${where}.starttls must be required, opportunistic or never`);
  }
  const timeoutMs = raw.timeout_ms ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1000 || timeoutMs > 120_000) {
    problems.push(`${where}.timeout_ms must be an integer between 1000 and 120000`);
  }
  const username = raw.username ?? null;
  if (username !== null && (typeof username !== 'string' || username === '' || /[\p{Cc}]/u.test(username))) {
    problems.push(`${where}.username must be a non-empty string`);
  }
  const password = readPassword(raw, where, source, problems);
  if (username !== null && password === null && problems.length === before) {
    problems.push(`${where}: username needs password_env or password_file (never an inline password)`);
  }
  if (username === null && password !== null) problems.push(`${where}: a password needs a username`);
  const ca = raw.ca_file === undefined ? null : readText(raw.ca_file, `${where}.ca_file`, source, problems);
  if (problems.length > before) return null;
  return {
    host: raw.host as string,
    port: port as number,
    secure: secure as boolean,
    starttls: starttls as SmtpSettings['starttls'],
    username: username as string | null,
    password,
    ca,
    timeoutMs: timeoutMs as number,
  };
}

function readPassword(raw: Record<string, unknown>, where: string, source: EmailSource, problems: string[]) {
  if (raw.password_env !== undefined && raw.password_file !== undefined) {
    problems.push(`${where}: password_env and password_file are exclusive`);
    return null;
  }
  if (raw.password_env !== undefined) {
    if (typeof raw.password_env !== 'string' || !ENV_NAME.test(raw.password_env)) {
      problems.push(`${where}.password_env must name an environment variable`);
      return null;
    }
    const value = source.env(raw.password_env);
    if (value === undefined || value === '') {
      problems.push(`${where}.password_env: environment variable ${raw.password_env} is not set`);
      return null;
    }
    return value;
  }
  if (raw.password_file === undefined) return null;
  const value = readText(raw.password_file, `${where}.password_file`, source, problems)?.replace(/\r?\n$/, '');
  if (value === '') problems.push(`${where}.password_file is empty`);
  return value === undefined || value === '' ? null : value;
}

function readText(file: unknown, where: string, source: EmailSource, problems: string[]): string | null {
  if (typeof file !== 'string' || file === '') {
    problems.push(`${where} must name a file`);
    return null;
  }
  const path = source.path(file);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`${where} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    return null;
  }
}

/**
 * FARAMESH_EMAIL_LINK_SECRET (or FARAMESH_EMAIL_LINK_SECRET_FILE): the key that signs the links,
 * the same on every replica. Only read when an email channel is configured.
 */
export function readLinkKey(source: EmailSource, problems: string[]): Buffer | null {
  const inline = source.env('FARAMESH_EMAIL_LINK_SECRET');
  const file = source.env('FARAMESH_EMAIL_LINK_SECRET_FILE');
  if (inline !== undefined && file !== undefined) {
    problems.push('FARAMESH_EMAIL_LINK_SECRET and FARAMESH_EMAIL_LINK_SECRET_FILE are exclusive');
    return null;
  }
  const value =
    file === undefined ? inline?.trim() : readText(file, 'FARAMESH_EMAIL_LINK_SECRET_FILE', source, problems)?.trim();
  if (value === undefined) {
    if (file === undefined) {
      problems.push('email channels need FARAMESH_EMAIL_LINK_SECRET (or _FILE): the key that signs approval links');
    }
    return null;
  }
  if (value.length < MIN_LINK_SECRET_CHARS) {
    problems.push(
      `FARAMESH_EMAIL_LINK_SECRET must be at least ${MIN_LINK_SECRET_CHARS} characters (e.g. openssl rand -base64 32)`,
    );
    return null;
  }
  return Buffer.from(value, 'utf8');
}

/**
 * Checks that need the rest of the configuration: links point at FARAMESH_PUBLIC_URL; a link that
 * needs a sign-in needs single sign-on; every named identity must have an address.
 */
export function emailChannelProblems(
  channels: readonly EmailChannelConfig[],
  server: { publicUrl: string | null; oidc: unknown; tokens: readonly { name: string; email?: string }[] },
): string[] {
  if (channels.length === 0) return [];
  const problems: string[] = [];
  if (server.publicUrl === null) {
    problems.push('email channels need FARAMESH_PUBLIC_URL: the approval links in messages point there');
  }
  const tokenEmails = new Map(server.tokens.flatMap((t) => (t.email === undefined ? [] : [[t.name, t.email]])));
  for (const channel of channels) {
    if (!channel.linkOnly && server.oidc === null) {
      problems.push(
        `email.${channel.name}: approving from a link needs a sign-in, so single sign-on (FARAMESH_OIDC_ISSUER) must be configured, or set link_only: true`,
      );
    }
    for (const recipient of channel.recipients) {
      const parsed = parseApproverRef(recipient, 'approvers');
      if (!('ref' in parsed) || parsed.ref.kind !== 'identity') continue;
      if (addressOf(parsed.ref.name, tokenEmails) === null) {
        problems.push(
          `email.${channel.name}.recipients: ${recipient} has no email address (give it one in FARAMESH_TOKEN_EMAILS, or name the person by email)`,
        );
      }
    }
  }
  return problems;
}

/** An identity's address: FARAMESH_TOKEN_EMAILS for token names, else the name itself when it is an email. */
export function addressOf(identity: string, tokenEmails: ReadonlyMap<string, string>): string | null {
  const mapped = tokenEmails.get(identity);
  if (mapped !== undefined) return mapped;
  return isEmailAddress(identity) ? identity : null;
}
