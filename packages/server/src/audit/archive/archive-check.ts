import type { LedgerArchiveState } from '@faramesh/contract';
import { GENESIS_HASH, type LedgerStore, type StoredArchive } from '@faramesh/store';
import { checkContent, checkOwner, ownersOf } from '../chain-walk.js';
import type { LedgerVerifyKey } from '../ledger-key.js';
import type { ProblemLog } from '../ledger-problems.js';
import { ARCHIVE_DOMAIN, archiveStatement, checkStatement } from './archive-signature.js';
import { RetainedDigest } from './retained-digest.js';

export type Position = { seq: number; hash: string };

/** The ledger's head: its newest event, or the newest archive's end when nothing newer is left. */
export function effectiveHead(newest: Position | null, archive: StoredArchive | null): Position | null {
  if (archive === null || (newest !== null && newest.seq > archive.last_seq)) return newest;
  return { seq: archive.last_seq, hash: archive.last_hash };
}

/** Signature of one archive record: `forged` is a problem, other verdicts are counted. */
export function checkArchiveSignature(archive: StoredArchive, key: LedgerVerifyKey | null, log: ProblemLog) {
  const verdict = checkStatement(ARCHIVE_DOMAIN, archiveStatement(archive), key);
  if (verdict === 'forged') {
    log.add({
      kind: 'archive_forged',
      seq: archive.last_seq,
      message: `archive ${archive.id} (seqs ${archive.first_seq}–${archive.last_seq}): the signature does not verify with key ${key?.keyId}`,
    });
  }
  return verdict;
}

/**
 * Every archive record, in order: signed ones must verify, and together they must cover the ledger
 * from seq 1 without gap or overlap, each linking to the hash its predecessor ended with. Returns the
 * newest (what the remaining ledger chains to) and the tally, or null when nothing was archived.
 */
export async function checkArchives(
  ledger: LedgerStore,
  key: LedgerVerifyKey | null,
  log: ProblemLog,
): Promise<{ newest: StoredArchive; state: Omit<LedgerArchiveState, 'retained_events'> } | null> {
  const archive = ledger.archive;
  if (archive === undefined) return null;
  const tally = { archives: 0, signed: 0, unsigned: 0, unverified: 0 };
  let newest: StoredArchive | null = null;
  let after = 0;
  for (;;) {
    const page = await archive.list(after, 100);
    if (page.length === 0) break;
    for (const record of page) {
      after = record.id;
      tally.archives += 1;
      const verdict = checkArchiveSignature(record, key, log);
      if (verdict !== 'forged') tally[verdict === 'valid' ? 'signed' : verdict] += 1;
      const expected = { seq: newest?.last_seq ?? 0, hash: newest?.last_hash ?? GENESIS_HASH };
      if (
        record.first_seq !== expected.seq + 1 ||
        record.prev_hash !== expected.hash ||
        record.last_seq < record.first_seq ||
        record.event_count !== record.last_seq - record.first_seq + 1
      ) {
        log.add({
          kind: 'archive_invalid',
          seq: record.first_seq,
          message: `archive ${record.id} (seqs ${record.first_seq}–${record.last_seq}) does not continue the archive before it (which ends at seq ${expected.seq})`,
        });
      }
      if (newest === null || record.last_seq > newest.last_seq) newest = record;
    }
  }
  if (newest === null) return null;
  return { newest, state: { ...tally, last_seq: newest.last_seq, last_hash: newest.last_hash } };
}

/**
 * The events still in the database at or below the newest archive's end (the history of actions
 * that weren't finished when it was archived): each must hash to its content and belong to an
 * action that lists it, and together they must be exactly the ones the archive recorded.
 */
export async function walkRetained(
  ledger: LedgerStore,
  archive: StoredArchive,
  log: ProblemLog,
  pageSize: number,
): Promise<number> {
  const digest = new RetainedDigest();
  let after = 0;
  for (;;) {
    const page = (await ledger.events(after, pageSize)).filter((event) => event.seq <= archive.last_seq);
    if (page.length === 0) break;
    const owners = await ownersOf(ledger, page);
    for (const event of page) {
      checkContent(event, log);
      checkOwner(event, owners, log);
      digest.add(event.seq, event.hash);
    }
    after = page.at(-1)!.seq;
  }
  if (digest.count !== archive.retained_events || digest.hex() !== archive.retained_digest) {
    log.add({
      kind: 'retained_mismatch',
      seq: archive.last_seq,
      message: `archive ${archive.id} kept ${archive.retained_events} events at or below seq ${archive.last_seq}; the ledger holds ${digest.count}${digest.count === archive.retained_events ? ' other ones (edited, replaced or inserted)' : ''}`,
    });
  }
  return digest.count;
}
