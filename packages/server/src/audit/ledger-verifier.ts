import type { LedgerAudit } from '@faramesh/contract';
import type { LedgerStore } from '@faramesh/store';
import { walkActions } from './action-walk.js';
import { checkArchives, effectiveHead, walkRetained } from './archive/archive-check.js';
import { archiveLimitations } from './archive/archive-limitations.js';
import { walkChain } from './chain-walk.js';
import { CheckpointChecker } from './checkpoint-check.js';
import { checkHighWater } from './high-water-check.js';
import type { LedgerVerifyKey } from './ledger-key.js';
import { ProblemLog } from './ledger-problems.js';

export interface VerifyOptions {
  /** Verifies checkpoint signatures; without it re-hashing can only be caught by a checkpoint file. */
  key: LedgerVerifyKey | null;
  /** A JSONL checkpoint file kept outside the database. */
  checkpointFile: string | null;
  /** Whether the server that wrote this ledger signs checkpoints (for the limitations it reports). */
  signing?: boolean;
  /** Events (and half as many action rows) read per page: sized from the body limit, so memory stays bounded. */
  pageEvents?: number;
}

/**
 * Full verification of a ledger, with memory bounded by the page sizes whatever its size: the hash
 * chain (pass 1), every action row against its history (pass 2), the counts, the high-water mark,
 * and every checkpoint in the database and the file. Lists every problem found (the first 100 in
 * full, all counted by kind) and what this verification could not have detected.
 */
export async function verifyLedger(ledger: LedgerStore, options: VerifyOptions): Promise<LedgerAudit> {
  const log = new ProblemLog();
  const pageSize = options.pageEvents ?? 1000;
  // After archiving, the chain resumes from the newest archive's end; the events kept below it are
  // checked against what the archive recorded (archive/archive-check.ts).
  const archives = await checkArchives(ledger, options.key, log);
  const archived = archives?.newest ?? null;
  const retained = archived ? await walkRetained(ledger, archived, log, pageSize) : 0;
  const from = archived ? { seq: archived.last_seq, hash: archived.last_hash } : undefined;
  const chain = await walkChain(ledger, log, { pageSize, ...(from ? { from } : {}) });
  const actions = await walkActions(ledger, log, Math.max(1, Math.floor(pageSize / 2)));
  const [counts, state] = await Promise.all([ledger.count(), ledger.state()]);
  if (counts.events !== chain.events + retained) {
    log.add({
      kind: 'event_count_mismatch',
      message: `the ledger holds ${counts.events} events but ${chain.events + retained} were read in seq order (duplicate seqs)`,
    });
  }
  const listProblems = log.has(
    'listed_event_missing',
    'listed_event_foreign',
    'event_not_listed',
    'orphan_event',
    'seq_list_invalid',
  );
  if (actions.listed !== counts.events && !listProblems) {
    log.add({
      kind: 'seq_list_mismatch',
      message: `actions list ${actions.listed} event positions, the ledger holds ${counts.events} events`,
    });
  }
  const head = effectiveHead(chain.newest, archived);
  for (const problem of checkHighWater(state.high_water, head)) log.add(problem);

  const checkpoints = new CheckpointChecker(ledger, options.key, head?.seq ?? 0, log, from ?? null);
  await checkpoints.checkDatabase();
  if (options.checkpointFile !== null) await checkpoints.checkFile(options.checkpointFile);

  const first = log.listed[0];
  return {
    ok: log.count === 0,
    events: chain.events + retained,
    actions: actions.actions,
    head,
    high_water: state.high_water,
    problems: log.listed,
    problem_count: log.count,
    problem_kinds: log.kinds,
    checkpoints: checkpoints.tally,
    key: { configured: options.key !== null, key_id: options.key?.keyId ?? null },
    limitations: [
      ...(checkpoints.notYetWritten === null
        ? []
        : [
            `The checkpoint file ${checkpoints.notYetWritten} doesn't exist yet and no checkpoint was made: the server writes the first one a while after it starts.`,
          ]),
      ...limitations(options, checkpoints.tally),
      ...archiveLimitations(archives?.state ?? null),
    ],
    archive: archives ? { ...archives.state, retained_events: retained } : null,
    ...(first === undefined ? {} : { seq: first.seq ?? 0, reason: first.message }),
  };
}

function limitations(options: VerifyOptions, tally: CheckpointChecker['tally']): string[] {
  const out: string[] = [];
  if (options.key === null) {
    out.push(
      'No ledger key: checkpoint signatures were not verified, so anyone who can write the database can re-hash the chain after an edit and rewrite its checkpoints to match; set FARAMESH_LEDGER_KEY (or pass --key) to detect it.',
    );
  }
  if (tally.signed === 0 && options.checkpointFile === null) {
    out.push(
      'No trusted checkpoint (signed, or in a file outside the database): re-hashing the whole chain, or deleting the newest events together with the high-water row, cannot be detected.',
    );
  }
  if (options.checkpointFile === null) {
    out.push(
      'No checkpoint file: an attacker who can write the database can delete the newest events together with the newest checkpoints; keep FARAMESH_CHECKPOINT_FILE on separate storage.',
    );
  }
  out.push(
    'Events after the newest checkpoint are protected by the hash chain alone: an edit there that re-hashes the rest of the chain is caught only by the next checkpoint.',
    'Approval tokens are bearer secrets and never enter the ledger: a replaced token of a pending action is not detected (its use is recorded as an approval event).',
  );
  return out;
}
