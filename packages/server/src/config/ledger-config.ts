import { LedgerKeyError, type LedgerSigningKey, parseSigningKey } from '../audit/ledger-key.js';

/** Ledger integrity settings: the checkpoint key, where checkpoints go, and how often checks run. */
export interface LedgerConfig {
  /** FARAMESH_LEDGER_KEY, parsed; null = checkpoints are unsigned. Never logged. */
  key: LedgerSigningKey | null;
  /** FARAMESH_CHECKPOINT_FILE: a JSONL file outside the database every checkpoint is appended to. */
  checkpointFile: string | null;
  /** FARAMESH_CHECKPOINT_INTERVAL: seconds between checkpoints of a moved head; 0 = only on demand. */
  checkpointIntervalSeconds: number;
  /** FARAMESH_LEDGER_CHECK_INTERVAL: seconds between quick consistency checks; 0 = only at start. */
  checkIntervalSeconds: number;
  /** FARAMESH_ARCHIVE_DIR: where `POST /v1/audit/archive` writes segments; null = archiving through the API is off. */
  archiveDir: string | null;
  /** FARAMESH_ARCHIVE_SEGMENT_MB, in bytes: the size at which a segment file is closed and the next begun. */
  archiveSegmentBytes: number;
}

interface Readers {
  get(...names: string[]): string | undefined;
  int(names: string[], fallback: number, min: number, max: number): number;
  path(value: string): string;
}

export function resolveLedgerConfig(read: Readers, problems: string[]): LedgerConfig {
  const rawKey = read.get('FARAMESH_LEDGER_KEY');
  let key: LedgerSigningKey | null = null;
  if (rawKey !== undefined) {
    try {
      key = parseSigningKey(rawKey);
    } catch (error) {
      if (!(error instanceof LedgerKeyError)) throw error;
      problems.push(`FARAMESH_LEDGER_KEY: ${error.message}`);
    }
  }
  const file = read.get('FARAMESH_CHECKPOINT_FILE');
  const archiveDir = read.get('FARAMESH_ARCHIVE_DIR');
  return {
    key,
    checkpointFile: file === undefined ? null : read.path(file),
    checkpointIntervalSeconds: read.int(['FARAMESH_CHECKPOINT_INTERVAL'], 300, 0, 86_400),
    checkIntervalSeconds: read.int(['FARAMESH_LEDGER_CHECK_INTERVAL'], 60, 0, 86_400),
    archiveDir: archiveDir === undefined ? null : read.path(archiveDir),
    archiveSegmentBytes: read.int(['FARAMESH_ARCHIVE_SEGMENT_MB'], 256, 1, 65_536) * 1024 * 1024,
  };
}
