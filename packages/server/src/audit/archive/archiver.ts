import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { LedgerArchiveResult } from '@faramesh/contract';
import {
  type ArchiveCommitStep,
  type ArchiveRecord,
  type ArchiveSegmentInfo,
  type AuditedEvent,
  GENESIS_HASH,
  type LedgerArchiveStore,
  type LedgerStore,
  StoreError,
} from '@faramesh/store';
import { ApiError } from '../../http/api-error.js';
import { checkContent, checkOwner, checkPosition, ownersOf } from '../chain-walk.js';
import type { LedgerSigningKey } from '../ledger-key.js';
import { type LedgerProblem, ProblemLog } from '../ledger-problems.js';
import { prepareArchiveDir } from './archive-dir.js';
import { lockArchiveDir } from './archive-lock.js';
import { ARCHIVE_DOMAIN, signStatement } from './archive-signature.js';
import { dropRewritten, setAsideLeftovers } from './leftovers.js';
import { RetainedDigest } from './retained-digest.js';
import { SegmentWriter } from './segment-writer.js';
import { pruneLimitUsage } from './usage-prune.js';

/** Where an archive run is; a test hook may stop the process at any of them (a crash, for tests). */
export type ArchiveStep = 'segments_written' | ArchiveCommitStep | 'committed';

export interface ArchiverDeps {
  ledger: LedgerStore;
  key: LedgerSigningKey | null;
  /** The lifecycle's terminal statuses: only actions in one of them are removed. */
  terminal: readonly string[];
  now: () => Date;
  /** The quick consistency checks: an archive of a damaged ledger is refused. */
  check: () => Promise<LedgerProblem[]>;
  onStep?: (step: ArchiveStep) => void;
  /** Usage rows looked at per write transaction when pruning (tests make it small). */
  usagePruneStretch?: number;
}

export interface ArchiveOptions {
  /** ISO cutoff: events created before it are archived (`resolveCutoff`). */
  before: string;
  dir: string;
  dryRun: boolean;
  /** A segment file is closed before it would grow past this (it always holds at least one event). */
  maxSegmentBytes: number;
  /** Events read per page (bounded in bytes by the body limit, as verification's pages are). */
  pageEvents: number;
  /** Keys of kept events read per page while planning (default KEPT_PAGE_KEYS; tests set it low). */
  keptPageKeys?: number;
}

/** Default size of a segment file. */
export const DEFAULT_SEGMENT_BYTES = 256 * 1024 * 1024;

/**
 * Archives the ledger up to `before`: verifies the stretch after the previous archive while writing
 * it to segment files (fsynced, renamed into place), then, in one database transaction, removes the
 * finished actions whose every event is in it and records a (signed) archive the remaining ledger
 * chains to. Killed at any point, it leaves either the old ledger (plus segment files a re-run
 * replaces) or the archived one; a re-run completes the archive, and one after that finds nothing
 * left to do. Unless it is a dry run, it then prunes the limit usage no window reaches any more
 * (usage-prune.ts), whether or not there was a stretch to archive.
 */
export async function archiveLedger(deps: ArchiverDeps, options: ArchiveOptions): Promise<LedgerArchiveResult> {
  const archive = deps.ledger.archive;
  if (archive === undefined) {
    throw new ApiError('archive_not_configured', 'this storage backend keeps no ledger to archive (memory)');
  }
  const result = await archiveStretch(archive, deps, options);
  if (options.dryRun) return result;
  return { ...result, limit_usage: await pruneLimitUsage(archive, deps.now(), deps.usagePruneStretch) };
}

async function archiveStretch(
  archive: LedgerArchiveStore,
  deps: ArchiverDeps,
  options: ArchiveOptions,
): Promise<LedgerArchiveResult> {
  const problems = await deps.check();
  if (problems.length > 0) throw inconsistent(problems);
  // A directory that can't take segments is said before any planning (which can take a while).
  if (!options.dryRun) await prepareArchiveDir(options.dir);

  const previous = await archive.latest();
  const from = { seq: previous?.last_seq ?? 0, hash: previous?.last_hash ?? GENESIS_HASH };
  const lastSeq = await archive.cutoff(from.seq, options.before);
  const result: LedgerArchiveResult = {
    archived: false,
    dry_run: options.dryRun,
    before: options.before,
    range: null,
    event_count: 0,
    removed_events: 0,
    removed_actions: 0,
    retained_events: 0,
    dir: options.dryRun ? null : options.dir,
    segments: [],
    record: null,
    limit_usage: null,
  };
  if (lastSeq <= from.seq) return result;

  const plan = await archive.plan(lastSeq, deps.terminal);
  const retained = await retainedDigest(archive, lastSeq, deps.terminal, options.keptPageKeys ?? KEPT_PAGE_KEYS);
  Object.assign(result, {
    range: { first_seq: from.seq + 1, last_seq: lastSeq },
    event_count: lastSeq - from.seq,
    ...plan,
    retained_events: retained.count,
  });
  if (options.dryRun) return result;

  const unlock = await lockArchiveDir(options.dir, deps.now);
  try {
    // Planned before the lock was ours: another archive (the CLI beside the API) may have committed
    // since. Its segments are in this directory and must not be set aside as leftovers.
    if (((await archive.latest())?.last_seq ?? 0) !== from.seq) {
      throw new ApiError(
        'archive_conflict',
        'another archive committed while this one was planning; nothing was written: run it again',
      );
    }
    const moved = await setAsideLeftovers(options.dir, from.seq);
    const writer = new SegmentWriter(options.dir, options.maxSegmentBytes, deps.key);
    let segments: ArchiveSegmentInfo[];
    let last: AuditedEvent;
    try {
      last = await writeVerified(deps.ledger, writer, from, lastSeq, options.pageEvents);
      segments = await writer.finish();
    } catch (error) {
      // What this run wrote is still all in the database: nothing is lost by removing it.
      await writer.abandon();
      for (const segment of writer.segments) await rm(join(options.dir, segment.file), { force: true });
      throw error;
    }
    await dropRewritten(options.dir, moved, segments);
    deps.onStep?.('segments_written');

    const record = signStatement<ArchiveRecord>(
      ARCHIVE_DOMAIN,
      {
        first_seq: from.seq + 1,
        last_seq: lastSeq,
        prev_hash: from.hash,
        last_hash: last.hash,
        event_count: lastSeq - from.seq,
        first_at: writer.firstAt,
        last_at: writer.lastAt,
        ...plan,
        retained_events: retained.count,
        retained_digest: retained.hex(),
        before: options.before,
        archived_at: deps.now().toISOString(),
        segments,
        key_id: null,
        signature: null,
      },
      deps.key,
    );
    const stored = await archive
      .commit({ record, terminal: deps.terminal, ...(deps.onStep ? { onStep: deps.onStep } : {}) })
      .catch((error: unknown) => {
        if (error instanceof StoreError && error.code === 'version_conflict') {
          throw new ApiError('archive_conflict', `nothing was removed: ${error.message}; run the archive again`);
        }
        throw error;
      });
    deps.onStep?.('committed');
    return { ...result, archived: true, segments: record.segments, record: stored };
  } finally {
    await unlock();
  }
}

/**
 * Reads the stretch (from.seq, lastSeq] page by page, verifies each page (contiguous seqs, links,
 * hashes, snapshots, owners) before writing it, and refuses a stretch that doesn't verify or ends
 * early. Returns its last event.
 */
async function writeVerified(
  ledger: LedgerStore,
  writer: SegmentWriter,
  from: { seq: number; hash: string },
  lastSeq: number,
  pageSize: number,
): Promise<AuditedEvent> {
  const log = new ProblemLog(10);
  let prev = from;
  let last: AuditedEvent | undefined;
  while (prev.seq < lastSeq) {
    const page = (await ledger.events(prev.seq, pageSize)).filter((event) => event.seq <= lastSeq);
    if (page.length === 0) break;
    const owners = await ownersOf(ledger, page);
    for (const event of page) {
      checkPosition(event, prev.seq, prev.hash, log);
      checkContent(event, log);
      checkOwner(event, owners, log);
      prev = { seq: event.seq, hash: event.hash };
    }
    if (log.count > 0) throw inconsistent(log.listed);
    await writer.write(page);
    last = page.at(-1);
  }
  if (last === undefined || last.seq !== lastSeq) {
    throw inconsistent([
      {
        kind: 'seq_gap',
        seq: lastSeq,
        message: `the ledger ends at seq ${prev.seq} before the archive's end ${lastSeq}`,
      },
    ]);
  }
  return last;
}

/**
 * Keys of kept events per page: a seq and a hash each (not the events' JSON, which `pageEvents`
 * bounds), so pages are large and few.
 */
export const KEPT_PAGE_KEYS = 4096;

async function retainedDigest(
  archive: LedgerArchiveStore,
  lastSeq: number,
  terminal: readonly string[],
  pageKeys: number,
): Promise<RetainedDigest> {
  const digest = new RetainedDigest();
  let after = 0;
  for (;;) {
    const page = await archive.kept(lastSeq, terminal, after, pageKeys);
    for (const key of page) digest.add(key.seq, key.hash);
    const tail = page.at(-1);
    if (tail === undefined) return digest;
    after = tail.seq;
    // SQLite's reads are synchronous: without a turn of the event loop between pages, a long stretch
    // would keep the server from answering anything (submissions, SSE, /ready, a SIGTERM) meanwhile.
    await setImmediatePromise();
  }
}

function inconsistent(problems: LedgerProblem[]): ApiError {
  const kinds = [...new Set(problems.map((p) => p.kind))];
  return new ApiError(
    'ledger_inconsistent',
    `the ledger does not verify, so it is not archived (${problems.map((p) => p.message).join('; ')}); run \`faramesh audit verify\``,
    { kinds },
  );
}
