import { inspect } from 'node:util';
import type { ChannelsSource } from './channels-config.js';
import { readSecretValues } from './secret-values.js';

/** A secret kept out of logs, JSON and inspection; `reveal()` is the only way to its value. */
export class SlackSecret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

/** Where a Slack channel posts: a conversation, or a direct message to one person. */
export type SlackTarget = { channel: string } | { dm: string };

export interface SlackChannelConfig {
  /** The Faramesh channel name rules' `notify:` use. */
  name: string;
  target: SlackTarget;
  /** Post every action that waits for approval, not only those whose rule notifies this channel. */
  allPending: boolean;
}

/** The `slack:` section of FARAMESH_CHANNELS_FILE: one Slack app (one workspace). */
export interface SlackConfig {
  botToken: SlackSecret;
  /** One, or two while rotating (a request signed with either verifies). */
  signingSecrets: SlackSecret[];
  /** The Web API base URL, ending in `/` (default https://slack.com/api/). */
  apiUrl: URL;
  timeoutMs: number;
  /** Explicit Slack user id → Faramesh identity, checked first. */
  users: ReadonlyMap<string, string>;
  /** Otherwise: the identity is the email of the Slack profile (`users.info`), lowercased. */
  usersByEmail: boolean;
  channels: SlackChannelConfig[];
}

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
const KEYS = new Set([
  'bot_token_env',
  'bot_token_file',
  'signing_secret_env',
  'signing_secret_file',
  'api_url',
  'timeout_ms',
  'users',
  'users_by_email',
  'channels',
]);
const CHANNEL_KEYS = new Set(['channel', 'dm', 'all_pending']);
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Slack ids: conversations C…/G…/D…, users U…/W… (uppercase letters and digits). */
export const SLACK_CONVERSATION_ID = /^[CGD][A-Z0-9]{2,40}$/;
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,40}$/;
const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]{8,250}$/;
const SIGNING_SECRET = /^[A-Za-z0-9]{16,256}$/;
/** An identity name as tokens and policies write them (no spaces, control characters or separators). */
const IDENTITY = /^[^\s*/=|,\p{Cc}]{1,200}$/u;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the `slack:` section (bot token and signing secret from environment variables or files,
 * never inline; Web API base URL; how Slack users map to identities; the channels it posts to).
 * Problems are pushed with the key named, never a secret's value; null when the section is invalid.
 */
export function readSlackConfig(
  raw: unknown,
  where: string,
  source: ChannelsSource,
  problems: string[],
): SlackConfig | null {
  const before = problems.length;
  if (!isRecord(raw)) {
    problems.push(`${where} must be a mapping with bot_token_env, signing_secret_env and channels`);
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) problems.push(`${where}: unknown key \`${key}\` (${[...KEYS].join(', ')})`);
  }
  const [botToken] = secrets(raw, 'bot_token', BOT_TOKEN, 'a Slack bot token (xoxb-…)', 1, where, source, problems);
  const signingSecrets = secrets(
    raw,
    'signing_secret',
    SIGNING_SECRET,
    "a Slack app's signing secret",
    2,
    where,
    source,
    problems,
  );
  const apiUrl = readApiUrl(raw.api_url, `${where}.api_url`, problems);
  const timeoutMs = raw.timeout_ms ?? 5000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    problems.push(`${where}.timeout_ms must be an integer between 100 and 60000`);
  }
  const users = readUsers(raw.users, `${where}.users`, problems);
  const usersByEmail = raw.users_by_email ?? false;
  if (typeof usersByEmail !== 'boolean') problems.push(`${where}.users_by_email must be true or false`);
  const channels = readChannels(raw.channels, `${where}.channels`, problems);
  if (problems.length > before || botToken === undefined || apiUrl === null) return null;
  return {
    botToken,
    signingSecrets,
    apiUrl,
    timeoutMs: timeoutMs as number,
    users,
    usersByEmail: usersByEmail as boolean,
    channels,
  };
}

function secrets(
  raw: Record<string, unknown>,
  field: string,
  shape: RegExp,
  what: string,
  most: number,
  where: string,
  source: ChannelsSource,
  problems: string[],
): SlackSecret[] {
  const values = readSecretValues(raw, field, where, source, problems);
  if (values.length === 0 || values.length > most) {
    const count = most === 1 ? 'one' : 'one (two while rotating)';
    problems.push(`${where} needs ${count} ${field.replaceAll('_', ' ')} in ${field}_env or ${field}_file`);
    return [];
  }
  const found: SlackSecret[] = [];
  for (const { label, value } of values) {
    if (value === undefined || value === '') problems.push(`${where}: ${label} is not set`);
    else if (!shape.test(value)) problems.push(`${where}: ${label} is not ${what}`);
    else found.push(new SlackSecret(value));
  }
  return found;
}

function readApiUrl(raw: unknown, where: string, problems: string[]): URL | null {
  let url: URL;
  try {
    url = new URL(raw === undefined ? DEFAULT_SLACK_API_URL : String(raw));
  } catch {
    problems.push(`${where} is not a URL`);
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`${where} must be http or https, not ${url.protocol}`);
    return null;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    problems.push(`${where} must be a plain base URL (no credentials, query or fragment)`);
    return null;
  }
  // The client appends method names (`chat.postMessage`) to it.
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

function readUsers(raw: unknown, where: string, problems: string[]): Map<string, string> {
  const users = new Map<string, string>();
  if (raw === undefined) return users;
  if (!isRecord(raw)) {
    problems.push(`${where} must map Slack user ids to Faramesh identities (U0123ABCD: alice)`);
    return users;
  }
  for (const [id, name] of Object.entries(raw)) {
    if (!SLACK_USER_ID.test(id)) problems.push(`${where}: \`${id.slice(0, 64)}\` is not a Slack user id (U… or W…)`);
    else if (typeof name !== 'string' || !IDENTITY.test(name)) {
      problems.push(`${where}.${id} must be an identity name (a token name or email)`);
    } else users.set(id, name);
  }
  return users;
}

function readChannels(raw: unknown, where: string, problems: string[]): SlackChannelConfig[] {
  if (!isRecord(raw) || Object.keys(raw).length === 0) {
    problems.push(`${where} must map channel names to { channel: C… } or { dm: U… }`);
    return [];
  }
  const channels: SlackChannelConfig[] = [];
  for (const [name, entry] of Object.entries(raw)) {
    const at = `${where}.${name}`;
    if (!NAME.test(name)) problems.push(`${at}: the name must be lowercase letters, digits, - or _`);
    if (!isRecord(entry)) {
      problems.push(`${at} must be a mapping with channel (C…) or dm (U…)`);
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!CHANNEL_KEYS.has(key)) problems.push(`${at}: unknown key \`${key}\` (${[...CHANNEL_KEYS].join(', ')})`);
    }
    const { channel, dm } = entry;
    let target: SlackTarget | null = null;
    if ((channel === undefined) === (dm === undefined)) problems.push(`${at} needs exactly one of channel or dm`);
    else if (channel !== undefined) {
      if (typeof channel === 'string' && SLACK_CONVERSATION_ID.test(channel)) target = { channel };
      else problems.push(`${at}.channel must be a Slack conversation id (C…, G…), not a #name`);
    } else if (typeof dm === 'string' && SLACK_USER_ID.test(dm)) target = { dm };
    else problems.push(`${at}.dm must be a Slack user id (U… or W…)`);
    const allPending = entry.all_pending ?? false;
    if (typeof allPending !== 'boolean') problems.push(`${at}.all_pending must be true or false`);
    if (target !== null && typeof allPending === 'boolean') channels.push({ name, target, allPending });
  }
  return channels;
}
