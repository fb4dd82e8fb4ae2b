import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time Approve / Deny links of approval emails. A link is a token the server signed (HMAC-SHA256
 * with FARAMESH_EMAIL_LINK_SECRET) that carries everything it is bound to: the action, its
 * request_hash, the recipient's identity, the channel that sent it, the decision it proposes, its
 * expiry, and a random id whose first use is recorded durably (`store.emailLinks`). The Approve and
 * Deny links of one message share the id, so one click uses up both. Nothing here reads a clock:
 * time is a parameter.
 */
export interface EmailLink {
  /** Random, 128 bits, base64url: the single-use key. */
  id: string;
  action_id: string;
  request_hash: string;
  /** The Faramesh identity the message was sent to (a token name or an email). */
  identity: string;
  /** The email channel that sent it (its settings, e.g. link-only approval, apply). */
  channel: string;
  decision: 'approve' | 'deny';
  /** Epoch milliseconds after which the link is refused. */
  expires_at_ms: number;
}

export type LinkCheck =
  | { ok: true; link: EmailLink }
  | { ok: false; code: 'email_link_invalid' | 'email_link_expired'; reason: string };

const VERSION = 1;
const DOMAIN = 'faramesh-email-link-v1\0';
/** Tokens longer than this are refused before any work (an identity is at most 256 characters). */
export const MAX_LINK_TOKEN_CHARS = 2048;
const TOKEN = /^[A-Za-z0-9_-]{1,1900}\.[A-Za-z0-9_-]{43}$/;
const HASH = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9_-]{22}$/;

/** A new random link id (shared by the Approve and Deny links of one message). */
export function newLinkId(): string {
  return randomBytes(16).toString('base64url');
}

/** The signed token of `link`, for the URL's `t` parameter. */
export function signLink(link: EmailLink, key: Buffer): string {
  const body = Buffer.from(
    JSON.stringify([
      VERSION,
      link.id,
      link.action_id,
      link.request_hash,
      link.identity,
      link.channel,
      link.decision,
      link.expires_at_ms,
    ]),
    'utf8',
  ).toString('base64url');
  return `${body}.${mac(body, key)}`;
}

/**
 * Checks a presented token: shape, signature (constant time), then expiry at `nowMs`. A token
 * that can't be fully understood is invalid, never accepted.
 */
export function verifyLink(token: unknown, key: Buffer, nowMs: number): LinkCheck {
  if (typeof token !== 'string' || token.length > MAX_LINK_TOKEN_CHARS || !TOKEN.test(token)) {
    return invalid('the link is malformed (was it cut or changed?)');
  }
  const [body = '', signature = ''] = token.split('.');
  const expected = Buffer.from(mac(body, key), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid('the link was not signed by this server');
  }
  const link = decode(body);
  if (link === null) return invalid('the link is malformed');
  if (nowMs >= link.expires_at_ms) {
    return {
      ok: false,
      code: 'email_link_expired',
      reason: `the link expired at ${new Date(link.expires_at_ms).toISOString()}`,
    };
  }
  return { ok: true, link };
}

function mac(body: string, key: Buffer): string {
  return createHmac('sha256', key).update(DOMAIN).update(body).digest('base64url');
}

function invalid(reason: string): LinkCheck {
  return { ok: false, code: 'email_link_invalid', reason };
}

function decode(body: string): EmailLink | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 8 || parsed[0] !== VERSION) return null;
  const [, id, action_id, request_hash, identity, channel, decision, expires] = parsed as unknown[];
  const text = (value: unknown, max: number): value is string =>
    typeof value === 'string' && value.length > 0 && value.length <= max;
  if (!text(id, 22) || !ID.test(id) || !text(action_id, 64) || !text(request_hash, 64) || !HASH.test(request_hash)) {
    return null;
  }
  if (!text(identity, 256) || !text(channel, 63) || (decision !== 'approve' && decision !== 'deny')) return null;
  if (typeof expires !== 'number' || !Number.isSafeInteger(expires) || expires <= 0) return null;
  return { id, action_id, request_hash, identity, channel, decision, expires_at_ms: expires };
}
