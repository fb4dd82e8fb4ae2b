/**
 * Which redaction key a database's digests were made with. A digest can only be reproduced with the
 * key that made it, so every replica on one database and every restart must use the same
 * FARAMESH_REDACTION_KEY; the database remembers the id of that key (the `redaction_key_id`
 * setting) and a server with another key refuses to start, unless FARAMESH_REDACTION_KEY_ROTATE
 * names the id being replaced. Pure: the start step (key-id-check.ts) and `faramesh doctor` judge
 * with the same function.
 */

/** The setting holding the id of the key the database's redacted values are digested with. */
export const KEY_ID_SETTING = 'redaction_key_id';

const KEY_ID = /^[0-9a-f]{16}$/;

/** True for an id this build writes (a setting edited by hand could hold anything: never print it then). */
export function isRedactionKeyId(text: string): boolean {
  return KEY_ID.test(text);
}

export type KeyIdVerdict =
  /** This server's key is the recorded one. */
  | { kind: 'same'; warning: string | null }
  /** Nothing recorded yet: record this server's key id. */
  | { kind: 'record'; warning: string | null }
  /** FARAMESH_REDACTION_KEY_ROTATE names the recorded id: replace it by this server's. */
  | { kind: 'rotate'; from: string }
  | { kind: 'refused'; problem: string };

export interface KeyIds {
  /** This server's key id. */
  own: string;
  /** The database's `redaction_key_id`, as stored (null: none). */
  recorded: string | null;
  /** FARAMESH_REDACTION_KEY_ROTATE: the id this start may replace (null: none). */
  rotateFrom: string | null;
}

/** What a server with the key `own` does at start, given what the database records. */
export function keyIdVerdict({ own, recorded, rotateFrom }: KeyIds): KeyIdVerdict {
  const rotateUnused =
    rotateFrom === null
      ? null
      : `FARAMESH_REDACTION_KEY_ROTATE=${rotateFrom} is set, but the database ${recorded === null ? 'recorded no redaction key id' : 'already records this key'}: there is nothing to rotate (remove it once every replica runs key id ${own})`;
  if (recorded === null) return { kind: 'record', warning: rotateUnused };
  // Only ids this build writes are printed: a row edited by hand could hold anything.
  if (!isRedactionKeyId(recorded)) {
    return {
      kind: 'refused',
      problem: `the database's ${KEY_ID_SETTING} setting is not a key id (changed outside Faramesh?), so it can't tell which key its redacted values were digested with; this server's key id is ${own}: if that is the key, delete the row (DELETE FROM settings WHERE name = '${KEY_ID_SETTING}') and start again`,
    };
  }
  if (recorded === own) return { kind: 'same', warning: rotateUnused };
  if (rotateFrom === recorded) return { kind: 'rotate', from: recorded };
  if (rotateFrom !== null) {
    return {
      kind: 'refused',
      problem: `FARAMESH_REDACTION_KEY_ROTATE=${rotateFrom} is not the redaction key id the database records (${recorded}; this server's key id is ${own}): name the id being replaced, or start with the key whose id is ${recorded}`,
    };
  }
  return {
    kind: 'refused',
    problem: `FARAMESH_REDACTION_KEY is not this database's redaction key: this server's key id is ${own}, the database records ${recorded} (the key its redacted values are digested with). Give every replica the same key (compared byte for byte: case and spaces count); to change it on purpose, start once with FARAMESH_REDACTION_KEY_ROTATE=${recorded} (values redacted before keep their digests under the old key)`,
  };
}

/**
 * Reads FARAMESH_REDACTION_KEY_ROTATE: the key id a start may replace, as the refusal to start
 * names it (16 hex digits; case ignored). It needs a key to rotate to.
 */
export function resolveKeyRotation(raw: string | undefined, keyGiven: boolean, problems: string[]): string | null {
  if (raw === undefined) return null;
  const id = raw.trim().toLowerCase();
  if (!isRedactionKeyId(id)) {
    problems.push(
      'FARAMESH_REDACTION_KEY_ROTATE must be the redaction key id being replaced (16 hex digits, as the refusal to start names it)',
    );
    return null;
  }
  if (!keyGiven) problems.push('FARAMESH_REDACTION_KEY_ROTATE needs FARAMESH_REDACTION_KEY (the new key)');
  return id;
}
