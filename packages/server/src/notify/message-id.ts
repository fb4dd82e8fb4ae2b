import { randomUUID } from 'node:crypto';

/**
 * A UUID laid out as version 7 (RFC 9562): the first 48 bits are the time in milliseconds, the rest
 * random. Outbox messages get these so their primary key index grows at its end; a random id
 * dirtied a random page of it per message. The id is only a name receivers de-duplicate on
 * (`webhook-id`), never a secret, and the time it tells is the message's `created_at` anyway.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  // randomUUID is xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx: keep its random bits after the version.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
