import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@faramesh/canonical';

/** Shortest FARAMESH_REDACTION_KEY accepted: 32 characters (e.g. `openssl rand -hex 32` gives 64). */
export const REDACTION_KEY_MIN_CHARS = 32;

const PREFIX = '[redacted:hmac-sha256:';

// What the key id is the HMAC of. Not the canonical JSON of any value (that always starts with
// `"`, `{`, `[`, a digit, `-`, `true`, `false` or `null`), so no digest ever equals a key id's HMAC.
const KEY_ID_LABEL = 'faramesh-redaction-key-id';

/**
 * The server's redaction key (FARAMESH_REDACTION_KEY). Kept in a class so that printing the
 * configuration never shows it.
 */
export class RedactionKey {
  /** The secret as a key object, made once: an HMAC keyed by it skips converting the text per value. */
  readonly #secret: KeyObject;
  /** Names the key in public (see `redactionKeyId`): recorded in the database and with each redaction. */
  readonly id: string;

  constructor(secret: string) {
    this.#secret = createSecretKey(secret, 'utf8');
    this.id = redactionKeyId(this.#secret);
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

/**
 * The key's public name: the first 16 hex digits of HMAC-SHA256(key, "faramesh-redaction-key-id"),
 * as long as a ledger key's id. Equal keys give equal ids, so replicas and restarts can be compared;
 * it shows no more of the key than a stored digest does, and the key is compared byte for byte (a
 * change of case or a trailing space is another key, and digests differently).
 */
export function redactionKeyId(secret: string | KeyObject): string {
  return createHmac('sha256', secret).update(KEY_ID_LABEL, 'utf8').digest('hex').slice(0, 16);
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
