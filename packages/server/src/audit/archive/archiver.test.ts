import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TERMINAL_STATUSES } from '@faramesh/contract';
import { createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../../store/src/postgres/postgres-cluster.test-support.js';
import { newEvents, sampleAction } from '../../../../store/src/store.contract.js';
import { makeCheckpoint } from '../checkpoint-signature.js';
import { Checkpointer } from '../checkpointer.js';
import { auditLedger } from '../ledger-audit.js';
import { generateLedgerKey, type LedgerSigningKey, parseSigningKey } from '../ledger-key.js';
import { LedgerMonitor } from '../ledger-monitor.js';
import { quickLedgerCheck } from '../quick-check.js';
import { buildFixture, type Fixture, type RawDb, rawPostgres, rawSqlite } from '../tamper/tamper-db.test-support.js';
import { type ArchiveStep, archiveLedger } from './archiver.js';
import { verifySegments } from './segment-set.js';

interface Database {
  open(): Store;
  raw(): Promise<RawDb>;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-archive-'));
  dirs.push(dir);
  return dir;
};
const now = () => new Date('2031-01-01T00:00:00.000Z');
const FAR_FUTURE = '2100-01-01T00:00:00.000Z';

function describeArchiving(dialect: string, database: () => Promise<Database>): void {
  describe(`archiving the ledger on ${dialect}`, () => {
    let store: Store | null = null;
    afterEach(async () => {
      await store?.close();
      store = null;
    });

    /** The tamper fixture (13 events), and a cutoff at the pending action: seqs 1–9 are older. */
    async function fixture(signed = true) {
      const db = await database();
      store = db.open();
      await store.migrate();
      const f = await buildFixture(store);
      const events = await store.eventsAfter(0, 100);
      const key = signed ? parseSigningKey(generateLedgerKey().secret) : null;
      return { db, f, events, key, dir: tempDir(), cut: events[9]!.created_at };
    }

    const run = (
      s: Store,
      key: LedgerSigningKey | null,
      dir: string,
      before: string,
      extra: {
        onStep?: (step: ArchiveStep) => void;
        maxSegmentBytes?: number;
        dryRun?: boolean;
        usagePruneStretch?: number;
        keptPageKeys?: number;
      } = {},
    ) =>
      archiveLedger(
        {
          ledger: s.ledger,
          key,
          terminal: TERMINAL_STATUSES,
          now,
          check: () => quickLedgerCheck(s.ledger, { key, checkpointFile: null }),
          ...(extra.onStep ? { onStep: extra.onStep } : {}),
          ...(extra.usagePruneStretch ? { usagePruneStretch: extra.usagePruneStretch } : {}),
        },
        {
          before,
          dir,
          dryRun: extra.dryRun ?? false,
          maxSegmentBytes: extra.maxSegmentBytes ?? 1 << 20,
          pageEvents: 4,
          ...(extra.keptPageKeys !== undefined && { keptPageKeys: extra.keptPageKeys }),
        },
      );
    const segmentPaths = (dir: string) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.jsonl'))
        .sort()
        .map((name) => join(dir, name));

    it('writes the stretch to signed segments, removes only finished actions, and the rest verifies from the archive', async () => {
      const { f, events, key, dir, cut } = await fixture();
      const s = store!;
      await s.ledger.addCheckpoint(makeCheckpoint({ seq: 4, hash: events[3]!.hash }, now().toISOString(), key));
      await s.ledger.addCheckpoint(makeCheckpoint({ seq: 13, hash: events[12]!.hash }, now().toISOString(), key));

      const dry = await run(s, key, dir, cut, { dryRun: true });
      expect(dry).toMatchObject({ archived: false, dry_run: true, range: { first_seq: 1, last_seq: 9 } });
      expect(readdirSync(dir)).toEqual([]);

      const result = await run(s, key, dir, cut, { maxSegmentBytes: 2000 });
      expect(result).toMatchObject({
        archived: true,
        range: { first_seq: 1, last_seq: 9 },
        event_count: 9,
        removed_events: 6,
        removed_actions: 2,
        retained_events: 3,
        record: { first_seq: 1, last_seq: 9, last_hash: events[8]!.hash, key_id: key!.keyId },
      });
      // The size limit rotated the files; together they are seqs 1–9.
      expect(result.segments.length).toBeGreaterThan(1);
      expect(result.segments.reduce((n, seg) => n + seg.count, 0)).toBe(9);
      for (const gone of [f.done, f.denied]) expect(await s.getAction(gone.id)).toBeNull();
      for (const kept of [f.approved, f.pending, f.newest]) expect(await s.getAction(kept.id)).not.toBeNull();

      const audit = await auditLedger(s, { key, checkpointFile: null });
      expect(audit.problems).toEqual([]);
      expect(audit).toMatchObject({
        ok: true,
        events: 7,
        actions: 3,
        head: { seq: 13 },
        archive: { archives: 1, last_seq: 9, retained_events: 3, signed: 1 },
        checkpoints: { checked: 2, archived: 1 },
      });
      expect(await quickLedgerCheck(s.ledger, { key, checkpointFile: null })).toEqual([]);
      const segments = await verifySegments(segmentPaths(dir), key);
      expect(segments.ok).toBe(true);
      expect(segments.segments.every((seg) => seg.signature === 'valid')).toBe(true);

      // The checkpointer resumes from the archive, and new events chain on as before.
      const monitor = new LedgerMonitor(() => quickLedgerCheck(s.ledger, { key, checkpointFile: null }), now);
      await new Checkpointer({ ledger: s.ledger, monitor, key, file: null, now }).checkpoint();
      await s.createAction({
        action: { ...(await s.getAction(f.newest.id))!, id: crypto.randomUUID() },
        events: [{ id: crypto.randomUUID(), event_type: 'created', meta: {} }],
      });
      expect((await auditLedger(s, { key, checkpointFile: null })).ok).toBe(true);
    });

    it('archives everything but the unfinished actions, then the ledger grows on from the archive', async () => {
      const { f, key, dir, cut } = await fixture();
      const s = store!;
      await run(s, key, dir, cut);
      const second = await run(s, key, dir, FAR_FUTURE);
      expect(second).toMatchObject({
        archived: true,
        range: { first_seq: 10, last_seq: 13 },
        removed_actions: 0,
        retained_events: 7,
      });
      const audit = await auditLedger(s, { key, checkpointFile: null });
      expect(audit).toMatchObject({ ok: true, head: { seq: 13 }, archive: { archives: 2, last_seq: 13 } });
      expect(await quickLedgerCheck(s.ledger, { key, checkpointFile: null })).toEqual([]);
      expect((await verifySegments(segmentPaths(dir), key)).ok).toBe(true);
      expect(await run(s, key, dir, FAR_FUTURE)).toMatchObject({ archived: false, range: null });
      await s.transition({
        id: f.pending.id,
        expected_version: 1,
        patch: { status: 'denied', approval_token: null },
        events: [{ id: crypto.randomUUID(), event_type: 'denied', meta: {} }],
        at: FAR_FUTURE,
      });
      expect((await auditLedger(s, { key, checkpointFile: null })).ok).toBe(true);
      // The pending action is finished now: the next archive removes it, with its early history.
      expect(await run(s, key, dir, '2100-01-01T00:00:01.000Z')).toMatchObject({
        removed_actions: 1,
        removed_events: 3,
      });
      expect((await auditLedger(s, { key, checkpointFile: null })).ok).toBe(true);
    });

    it('leaves the ledger whole when stopped before or during the removal, and a re-run completes it with the same files', async () => {
      const { key, dir, cut } = await fixture();
      const s = store!;
      const count = await s.ledger.count();
      const stopAt = (at: ArchiveStep) => (step: ArchiveStep) => {
        if (step === at) throw new Error(`crash at ${at}`);
      };
      await expect(run(s, key, dir, cut, { onStep: stopAt('segments_written') })).rejects.toThrow('crash');
      const files = segmentPaths(dir).map((path) => readFileSync(path, 'utf8'));
      expect(files.length).toBeGreaterThan(0);
      await expect(run(s, key, dir, cut, { onStep: stopAt('events_deleted') })).rejects.toThrow('crash');
      await expect(run(s, key, dir, cut, { onStep: stopAt('actions_deleted') })).rejects.toThrow('crash');
      expect(await s.ledger.count()).toEqual(count);
      expect(await s.ledger.archive!.latest()).toBeNull();
      expect((await auditLedger(s, { key, checkpointFile: null })).ok).toBe(true);
      // A segment no committed archive covers (another cutoff, or a database restored from an older
      // backup) is moved aside, never deleted; a partial file is; the crashed run's own files are
      // rewritten byte for byte, so their set-aside copies go.
      writeFileSync(join(dir, 'faramesh-ledger-0000000000000001-0000000000000011.jsonl'), 'other\n');
      writeFileSync(join(dir, 'faramesh-ledger-1.partial'), 'partial\n');
      const done = await run(s, key, dir, cut);
      expect(done.archived).toBe(true);
      expect(segmentPaths(dir).map((path) => readFileSync(path, 'utf8'))).toEqual(files);
      expect(readdirSync(dir).sort()).toEqual([...done.segments.map((seg) => seg.file), 'superseded'].sort());
      expect(readdirSync(join(dir, 'superseded'))).toEqual(['faramesh-ledger-0000000000000001-0000000000000011.jsonl']);
      expect(await run(s, key, dir, cut)).toMatchObject({ archived: false });
    });

    it('still catches rows removed by hand after an archive, and edits to what it kept', async () => {
      for (const [name, tamper, kinds] of [
        [
          'the first event after the archive',
          (db: RawDb, f: Fixture) => db.run('DELETE FROM action_events WHERE seq = ?', [f.pending.seqs[0]]),
          ['seq_gap'],
        ],
        [
          'a kept event of a pending action',
          (db: RawDb, f: Fixture) => db.run('DELETE FROM action_events WHERE seq = ?', [f.approved.seqs[0]]),
          ['retained_mismatch'],
        ],
        [
          'the archive record',
          (db: RawDb) => db.run('UPDATE ledger_archives SET removed_events = 99'),
          ['archive_forged'],
        ],
      ] as const) {
        const { db, f, key, dir, cut } = await fixture();
        await run(store!, key, dir, cut);
        const raw = await db.raw();
        await tamper(raw, f);
        await raw.close();
        const audit = await auditLedger(store!, { key, checkpointFile: null });
        expect(audit.ok, name).toBe(false);
        for (const kind of kinds) expect(Object.keys(audit.problem_kinds), name).toContain(kind);
        await store!.close();
        store = null;
      }
    });

    it('says an unsigned archive record could hide removed rows, and the segments show what was there', async () => {
      const { key, dir, cut } = await fixture(false);
      await run(store!, key, dir, cut);
      const audit = await auditLedger(store!, {
        key: parseSigningKey(generateLedgerKey().secret),
        checkpointFile: null,
      });
      expect(audit.ok).toBe(true);
      expect(audit.limitations.join(' ')).toMatch(/Not every archive record is signed/);
      const segments = await verifySegments(segmentPaths(dir), null);
      expect(segments.segments.map((seg) => seg.signature)).toEqual(['unsigned']);
    });

    it('prunes the limit usage no window reaches after an archive, also with nothing to archive, and never on a dry run', async () => {
      const db = await database();
      store = db.open();
      const s = store;
      await s.migrate();
      // One bucket's allowed actions, counted at these times (now() is 2031-01-01): three before the
      // reach of the longest window (365 days and a day: 2029-12-31), two within it.
      const times = ['2029-06-01', '2029-07-01', '2029-08-01', '2030-06-01', '2030-12-01'];
      for (const [i, day] of times.entries()) {
        const action = sampleAction({ created_at: `${day}T00:00:00.000Z` });
        await s.createAction({
          action,
          events: newEvents('created', 'decision_made'),
          limit: {
            key: 'bucket',
            since: '2000-01-01T00:00:00.000Z',
            decide: () => ({ action, events: newEvents('created', 'decision_made'), amount: 10 ** i }),
          },
        });
      }
      const windows = async () =>
        Promise.all(
          ['2029-12-31', '2030-03-01', '2030-06-01'].map((day) => s.limitUsage('bucket', `${day}T00:00:00Z`)),
        );
      expect(await windows()).toEqual([11000, 11000, 10000]);
      const dir = tempDir();
      const dry = await run(s, null, dir, FAR_FUTURE, { dryRun: true });
      expect(dry.limit_usage).toBeNull();
      // The five actions are allowed, not finished: the archive keeps them all and prunes all the same.
      const first = await run(s, null, dir, FAR_FUTURE, { usagePruneStretch: 2 });
      expect(first).toMatchObject({
        archived: true,
        removed_actions: 0,
        limit_usage: { before: '2029-12-31T00:00:00.000Z', removed_rows: 2 },
      });
      expect(await windows()).toEqual([11000, 11000, 10000]);
      expect(await run(s, null, dir, FAR_FUTURE)).toMatchObject({
        range: null,
        limit_usage: { removed_rows: 0 },
      });
      expect(await windows()).toEqual([11000, 11000, 10000]);
    });

    it('plans in pages of kept events, letting the server answer between them', async () => {
      const { key, dir } = await fixture();
      const s = store!;
      const archive = s.ledger.archive!;
      // Whether the event loop turned (other requests could be answered) before each page was read.
      let turns = 0;
      let ticking = true;
      const tick = () => {
        turns += 1;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const seen: number[] = [];
      const kept = archive.kept.bind(archive);
      archive.kept = (lastSeq, terminal, after, limit) => {
        seen.push(turns);
        expect(limit).toBe(2);
        return kept(lastSeq, terminal, after, limit);
      };
      try {
        const result = await run(s, key, dir, FAR_FUTURE, { dryRun: true, keptPageKeys: 2 });
        expect(result.retained_events).toBeGreaterThan(2);
        expect(seen.length).toBe(Math.ceil(result.retained_events / 2) + 1);
        for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
      } finally {
        ticking = false;
      }
    });

    it('refuses, with nothing set aside, when another archive committed while it was planning', async () => {
      const { key, dir, cut } = await fixture();
      const s = store!;
      const archive = s.ledger.archive!;
      const plan = archive.plan.bind(archive);
      let inner: Awaited<ReturnType<typeof run>> | undefined;
      let started = false;
      archive.plan = async (lastSeq, terminal) => {
        const planned = await plan(lastSeq, terminal);
        // The CLI's archive into the same directory commits first.
        if (!started) {
          started = true;
          inner = await run(s, key, dir, cut);
        }
        return planned;
      };
      await expect(run(s, key, dir, cut)).rejects.toMatchObject({ code: 'archive_conflict' });
      expect(inner?.archived).toBe(true);
      const files = segmentPaths(dir);
      expect(files.map((path) => path.split('/').pop())).toEqual(inner?.segments.map((seg) => seg.file));
      expect(readdirSync(dir)).not.toContain('superseded');
      expect((await verifySegments(files, key)).ok).toBe(true);
    });

    it('says a directory it cannot write to before planning anything', async () => {
      const { key, cut } = await fixture();
      const file = join(tempDir(), 'not-a-dir');
      writeFileSync(file, 'x');
      await expect(run(store!, key, file, cut)).rejects.toMatchObject({
        code: 'archive_dir_unusable',
        message: `cannot write archive segments to ${file}: a file is in the way of the directory`,
      });
      await expect(run(store!, key, join(file, 'sub'), cut)).rejects.toMatchObject({ code: 'archive_dir_unusable' });
      expect(await store!.ledger.archive!.latest()).toBeNull();
    });

    // A recursive mkdir of a path under /proc never returns (procfs answers ENOENT): the timeout fails it.
    it.runIf(existsSync('/proc/self'))(
      'says a directory under /proc is unusable at once, making nothing',
      async () => {
        const { key, cut } = await fixture();
        const dir = '/proc/faramesh-archive/segments';
        await expect(run(store!, key, dir, cut)).rejects.toMatchObject({
          code: 'archive_dir_unusable',
          message: `cannot write archive segments to ${dir}: /proc is on proc, a kernel filesystem that holds no files`,
          details: { dir, code: 'pseudo_filesystem' },
        });
        expect(await store!.ledger.archive!.latest()).toBeNull();
      },
      5_000,
    );

    it('names the line of a tampered segment', async () => {
      const { key, dir, cut } = await fixture();
      await run(store!, key, dir, cut);
      const [path] = segmentPaths(dir);
      const lines = readFileSync(path!, 'utf8').split('\n');
      lines[2] = lines[2]!.replace('"event_type":"started"', '"event_type":"failed"');
      writeFileSync(path!, lines.join('\n'));
      const result = await verifySegments([path!], key);
      expect(result.ok).toBe(false);
      expect(result.segments[0]!.problems).toEqual([
        {
          file: expect.stringMatching(/^faramesh-ledger-/),
          line: 3,
          message: "seq 3: the hash does not match the event's content",
        },
      ]);
    });
  });
}

describeArchiving('sqlite', async () => {
  const path = join(tempDir(), 'actions.db');
  return { open: () => createSqliteStore({ path }), raw: async () => rawSqlite(path) };
});

describeWithPostgres('archiving on postgres', (cluster) => {
  describeArchiving('postgres', async () => {
    const dsn = await (await cluster()).createDatabase();
    return { open: () => createPostgresStore({ dsn, poolSize: 2 }), raw: () => rawPostgres(dsn) };
  });
});
