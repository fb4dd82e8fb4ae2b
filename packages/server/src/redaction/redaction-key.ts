import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';

/** Shortest FARAMESH_REDACTION_KEY accepted: 32 characters (e.g. `openssl rand -hex 32` gives 64). */
export const REDACTION_KEY_MIN_CHARS = 32;

const PREFIX = '[redacted:hmac-sha256:';

/**
 * The server's redaction key (FARAMESH_REDACTION_KEY). Kept in a class so that printing the
 * configuration never shows it.
 */
export class RedactionKey {
  /** The secret as a key object, made once: an HMAC keyed by it skips converting the text per value. */
  readonly #secret: KeyObject;

  constructor(secret: string) {
    this.#secret = createSecretKey(secret, 'utf8');
  }

  /** The stand-in stored for a redacted value (see `redactionDigest`). */
  digest(value: unknown): string {
    return redactionDigest(this.#secret, value);
  }

  toJSON(): string {
    return '[redaction key]';
  }
}

/**
 * What a redacted value becomes: `[redacted:hmac-sha256:<hex>]`, the HMAC-SHA256 under `secret` of
 * the value's canonical JSON (a string `abc` is hashed as the 5 characters `"abc"`). Equal values
 * give equal digests, and whoever holds a value and the key can show it is the one stored.
 */
export function redactionDigest(secret: string | KeyObject, value: unknown): string {
  return `${PREFIX}${createHmac('sha256', secret).update(canonicalJson(value), 'utf8').digest('hex')}]`;
}

/** Reads FARAMESH_REDACTION_KEY: absent is null (a policy with `redact:` then refuses to load). */
export function resolveRedactionKey(raw: string | undefined, problems: string[]): RedactionKey | null {
  if (raw === undefined) return null;
  if ([...raw].length < REDACTION_KEY_MIN_CHARS) {
    problems.push(
      `FARAMESH_REDACTION_KEY must be at least ${REDACTION_KEY_MIN_CHARS} characters (try \`openssl rand -hex 32\`)`,
    );
    return null;
  }
  return new RedactionKey(raw);
}
