import { basename } from 'node:path';
import { eventHash, type JsonObject } from '@faramesh/store';
import type { SignatureVerdict } from '../checkpoint-signature.js';
import type { LedgerVerifyKey } from '../ledger-key.js';
import { checkStatement, SEGMENT_DOMAIN } from './archive-signature.js';
import { numberedLines } from './json-lines.js';
import { SEGMENT_TYPE, type SegmentCheckpoint } from './segment-format.js';

/** Longer lines are not events the server could have written (bodies are far smaller). */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const MAX_LISTED = 100;

export interface SegmentProblem {
  /** The segment file and line (1-based) the problem is on. */
  file: string;
  line: number;
  message: string;
}

export interface SegmentVerification {
  ok: boolean;
  file: string;
  /** What the file's events span, as read (null when it holds none). */
  first_seq: number | null;
  last_seq: number | null;
  prev_hash: string | null;
  last_hash: string | null;
  count: number;
  first_at: string | null;
  last_at: string | null;
  /** The checkpoint line's signature: `missing` when the file has no checkpoint line. */
  signature: SignatureVerdict | 'missing';
  key_id: string | null;
  problems: SegmentProblem[];
  problem_count: number;
}

interface ParsedEvent {
  seq: number;
  id: string;
  action_id: string;
  event_type: string;
  created_at: string;
  prev_hash: string;
  hash: string;
  meta: JsonObject;
  action: JsonObject;
}

/**
 * Verifies one segment file offline, streaming: every event line links to the line before it and
 * hashes to its stored hash (recomputed from its content, as the ledger does), seqs are contiguous,
 * the last line is a checkpoint whose range, hashes, count and time range match the events, and its
 * signature verifies with `key` when the key is the one that signed it. Each problem names its line.
 */
export async function verifySegmentFile(path: string, key: LedgerVerifyKey | null): Promise<SegmentVerification> {
  const file = basename(path);
  const out: SegmentVerification = {
    ok: false,
    file: path,
    first_seq: null,
    last_seq: null,
    prev_hash: null,
    last_hash: null,
    count: 0,
    first_at: null,
    last_at: null,
    signature: 'missing',
    key_id: null,
    problems: [],
    problem_count: 0,
  };
  const problem = (line: number, message: string) => {
    out.problem_count += 1;
    if (out.problems.length < MAX_LISTED) out.problems.push({ file, line, message });
  };
  let checkpoint: { line: number; value: SegmentCheckpoint } | null = null;
  try {
    for await (const entry of numberedLines(path, MAX_LINE_BYTES)) {
      if ('error' in entry) {
        problem(entry.line, entry.error);
        continue;
      }
      if (entry.text.trim() === '') continue;
      if (checkpoint !== null) {
        problem(entry.line, `line after the checkpoint line (line ${checkpoint.line})`);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(entry.text);
      } catch {
        problem(entry.line, 'not JSON');
        continue;
      }
      if (isObject(value) && value.type === SEGMENT_TYPE) {
        checkpoint = { line: entry.line, value: value as unknown as SegmentCheckpoint };
        continue;
      }
      const event = asEvent(value);
      if (event === null)
        problem(
          entry.line,
          'not a ledger event {seq, id, action_id, event_type, created_at, prev_hash, hash, meta, action}',
        );
      else checkEvent(event, entry.line, out, problem);
    }
  } catch (error) {
    problem(0, `cannot read: ${(error as Error).message}`);
  }
  if (checkpoint === null) problem(0, 'no checkpoint line: the segment is incomplete or was cut');
  else checkCheckpoint(checkpoint.value, checkpoint.line, out, key, problem);
  checkFileName(out, problem);
  out.ok = out.problem_count === 0;
  return out;
}

/** A file named like a segment must hold the seqs its name says (a directory is read by names). */
function checkFileName(out: SegmentVerification, problem: (line: number, message: string) => void): void {
  const named = /^faramesh-ledger-(\d+)-(\d+)\.jsonl$/.exec(basename(out.file));
  if (named === null || out.first_seq === null) return;
  if (Number(named[1]) !== out.first_seq || Number(named[2]) !== out.last_seq) {
    problem(
      0,
      `the file is named for seqs ${Number(named[1])}–${Number(named[2])} but holds ${out.first_seq}–${out.last_seq}`,
    );
  }
}

function checkEvent(
  event: ParsedEvent,
  line: number,
  out: SegmentVerification,
  problem: (line: number, message: string) => void,
): void {
  if (out.last_seq === null) {
    out.first_seq = event.seq;
    out.prev_hash = event.prev_hash;
  } else {
    if (event.seq !== out.last_seq + 1) problem(line, `seq ${event.seq} does not follow seq ${out.last_seq}`);
    if (event.prev_hash !== out.last_hash)
      problem(line, `seq ${event.seq}: prev_hash is not the hash of the line before`);
  }
  let expected: string | null;
  try {
    expected = eventHash(event.prev_hash, event as unknown as Parameters<typeof eventHash>[1]);
  } catch {
    expected = null;
  }
  if (expected !== event.hash) problem(line, `seq ${event.seq}: the hash does not match the event's content`);
  if (event.action.id !== event.action_id) {
    problem(
      line,
      `seq ${event.seq} names action ${event.action_id} but holds a snapshot of ${String(event.action.id)}`,
    );
  }
  out.last_seq = event.seq;
  out.last_hash = event.hash;
  out.count += 1;
  if (out.first_at === null || event.created_at < out.first_at) out.first_at = event.created_at;
  if (out.last_at === null || event.created_at > out.last_at) out.last_at = event.created_at;
}

function checkCheckpoint(
  checkpoint: SegmentCheckpoint,
  line: number,
  out: SegmentVerification,
  key: LedgerVerifyKey | null,
  problem: (line: number, message: string) => void,
): void {
  const fields = ['first_seq', 'last_seq', 'prev_hash', 'last_hash', 'count', 'first_at', 'last_at'] as const;
  for (const field of fields) {
    if (checkpoint[field] !== out[field]) {
      problem(
        line,
        `the checkpoint's ${field} is ${JSON.stringify(checkpoint[field])}, the events give ${JSON.stringify(out[field])}`,
      );
    }
  }
  const key_id = typeof checkpoint.key_id === 'string' ? checkpoint.key_id : null;
  const signature = typeof checkpoint.signature === 'string' ? checkpoint.signature : null;
  out.key_id = key_id;
  out.signature = checkStatement(SEGMENT_DOMAIN, { ...checkpoint, key_id, signature }, key);
  if (out.signature === 'forged') problem(line, `the checkpoint's signature does not verify with key ${key?.keyId}`);
  // Given a key, only a segment signed by it verifies: anyone can recompute the hashes of an edited
  // segment and write an unsigned checkpoint, or sign one with a key of their own.
  if (key !== null && out.signature === 'unsigned') {
    problem(line, `the checkpoint is not signed, but key ${key.keyId} was given: anyone could have written it`);
  }
  if (key !== null && out.signature === 'unverified') {
    problem(line, `the checkpoint is signed by key ${key_id}, not by the key given (${key.keyId})`);
  }
}

/** Exactly the fields segment-format.ts writes: one more would read as recorded while no hash covers it. */
const EVENT_FIELDS = new Set([
  'seq',
  'id',
  'action_id',
  'event_type',
  'created_at',
  'prev_hash',
  'hash',
  'meta',
  'action',
]);

function asEvent(value: unknown): ParsedEvent | null {
  if (!isObject(value)) return null;
  if (Object.keys(value).some((name) => !EVENT_FIELDS.has(name))) return null;
  const texts = ['id', 'action_id', 'event_type', 'created_at', 'prev_hash', 'hash'] as const;
  if (!Number.isSafeInteger(value.seq) || (value.seq as number) < 1) return null;
  if (!texts.every((name) => typeof value[name] === 'string')) return null;
  if (!isObject(value.meta) || !isObject(value.action)) return null;
  return value as unknown as ParsedEvent;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
