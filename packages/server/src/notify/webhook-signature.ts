import { createHmac } from 'node:crypto';

/** A Standard Webhooks secret: `whsec_` followed by base64 of at least 24 random bytes. */
export const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const MIN_SECRET_BYTES = 24;

/** The key bytes of a `whsec_` secret; throws (naming no secret) when it isn't one. */
export function webhookKey(secret: string): Buffer {
  if (!WEBHOOK_SECRET.test(secret)) throw new Error('is not a Standard Webhooks secret (whsec_ followed by base64)');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  if (key.length < MIN_SECRET_BYTES) throw new Error(`must hold at least ${MIN_SECRET_BYTES} bytes of key`);
  return key;
}

/**
 * The `webhook-signature` header per the Standard Webhooks specification: `v1,` + base64 of
 * HMAC-SHA256 over `{id}.{timestamp}.{body}`, one per key, space-separated (two during a rotation,
 * so a receiver holding either secret verifies).
 */
export function webhookSignature(keys: readonly Buffer[], id: string, timestampSeconds: number, body: string): string {
  const prefix = `${id}.${timestampSeconds}.`;
  // Two updates: joining the prefix to a body of kilobytes would copy it first (~0.8 µs a message).
  return keys.map((key) => `v1,${createHmac('sha256', key).update(prefix).update(body).digest('base64')}`).join(' ');
}
