import type { SettingsStore } from '@faramesh/store';
import { ConfigError } from '../config/config.js';
import { KEY_ID_SETTING, keyIdVerdict } from './key-id-verdict.js';
import type { RedactionKey } from './redaction-key.js';

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

// A compare-and-set that loses re-reads what the winner wrote and judges that; only a setting that
// keeps changing under it (something rewriting the row) gets past this many rounds.
const ROUNDS = 3;

/**
 * The start step: compares this server's redaction key id with the one the database records,
 * records it when none is (or when FARAMESH_REDACTION_KEY_ROTATE names the recorded one), and
 * throws ConfigError with one line naming both ids when they differ. Writes are compare-and-set,
 * so of two replicas starting at once with different keys only one records its id; the other then
 * finds that id and refuses. Without a key nothing is digested, so nothing is compared.
 */
export async function checkRedactionKeyId(
  settings: SettingsStore,
  key: RedactionKey | null,
  rotateFrom: string | null,
  now: () => Date,
  log: Log,
): Promise<void> {
  if (key === null) return;
  for (let round = 0; round < ROUNDS; round++) {
    const recorded = (await settings.get(KEY_ID_SETTING))?.value ?? null;
    const verdict = keyIdVerdict({ own: key.id, recorded, rotateFrom });
    if (verdict.kind === 'refused') throw new ConfigError(verdict.problem);
    if (verdict.kind === 'same') {
      if (verdict.warning !== null) log.warn(verdict.warning);
      return;
    }
    const write = { name: KEY_ID_SETTING, expected: recorded, value: key.id, at: now().toISOString() };
    if (await settings.compareAndSet(write)) {
      if (verdict.kind === 'rotate') {
        log.warn(
          `FARAMESH_REDACTION_KEY_ROTATE: the database now records redaction key id ${key.id} in place of ${verdict.from}; values redacted before keep their digests under the old key`,
        );
      } else {
        if (verdict.warning !== null) log.warn(verdict.warning);
        log.info(`recorded redaction key id ${key.id} in the database: every replica and restart must use this key`);
      }
      return;
    }
  }
  throw new ConfigError(
    `the database's ${KEY_ID_SETTING} setting kept changing while this server started (key id ${key.id}); start again`,
  );
}
