/**
 * What the server stores in place of a redacted value: `[redacted:hmac-sha256:<hex>]` (the server's
 * `redactionDigest`). Only the shape lives here, so that the engine can tell a stored digest from a
 * value: a digest stands for a value nobody can read back, and an agent can send its text verbatim.
 */
const DIGEST_MARK = '[redacted:hmac-sha256:';

/** Whether `value` is, or holds anywhere inside (strings of arrays and objects), a redaction digest. */
export function holdsRedactedDigest(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (next.includes(DIGEST_MARK)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      pending.push(...Object.values(next));
    }
  }
  return false;
}
