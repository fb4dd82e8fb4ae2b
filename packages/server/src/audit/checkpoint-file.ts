import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LedgerCheckpoint } from '@faramesh/store';
import { makeDirectory } from './make-directory.js';

/** Longer lines are not checkpoints (a real one is ~250 bytes); they are reported, never buffered whole. */
const MAX_LINE_BYTES = 4096;

/**
 * Appends one checkpoint as a JSON line and fsyncs before returning, so a checkpoint the server
 * acknowledged survives a crash. Meant for storage the database's attacker can't rewrite (another
 * volume, an append-only bucket mount, a log shipper's input).
 */
export async function appendCheckpointLine(path: string, checkpoint: LedgerCheckpoint): Promise<void> {
  // Not a recursive mkdir: under /proc it never returns, a core busy for good (make-directory.ts).
  await makeDirectory(dirname(path));
  const file = await open(path, 'a', 0o600);
  try {
    const { seq, hash, at, key_id, signature } = checkpoint;
    await file.write(`${JSON.stringify({ seq, hash, at, key_id, signature })}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
}

export type CheckpointLine = { line: number; checkpoint: LedgerCheckpoint } | { line: number; error: string };

/** The checkpoints of a JSONL file in file order, one per line; unreadable lines come back as errors. */
export async function* readCheckpointLines(path: string): AsyncGenerator<CheckpointLine> {
  let line = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  const finish = (): CheckpointLine | null => {
    line += 1;
    const text = Buffer.concat(pending).toString('utf8').trim();
    const wasOverlong = overlong;
    pending = [];
    pendingBytes = 0;
    overlong = false;
    if (wasOverlong) return { line, error: `line is longer than ${MAX_LINE_BYTES} bytes` };
    if (text === '') return null;
    return parseCheckpointLine(line, text);
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      keep(chunk.subarray(start, newline));
      const parsed = finish();
      if (parsed) yield parsed;
      start = newline + 1;
    }
    keep(chunk.subarray(start));
  }
  const parsed = finish();
  if (parsed) yield parsed;

  function keep(part: Buffer): void {
    if (overlong || part.length === 0) return;
    pendingBytes += part.length;
    if (pendingBytes > MAX_LINE_BYTES) {
      overlong = true;
      pending = [];
      return;
    }
    pending.push(Buffer.from(part));
  }
}

function parseCheckpointLine(line: number, text: string): CheckpointLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: 'not JSON' };
  }
  const v = value as Record<string, unknown>;
  const optionalText = (x: unknown) => x === null || typeof x === 'string';
  if (
    typeof value !== 'object' ||
    value === null ||
    !(Number.isSafeInteger(v.seq) && (v.seq as number) >= 0) ||
    typeof v.hash !== 'string' ||
    typeof v.at !== 'string' ||
    !optionalText(v.key_id) ||
    !optionalText(v.signature)
  ) {
    return { line, error: 'not a checkpoint {seq, hash, at, key_id, signature}' };
  }
  return {
    line,
    checkpoint: {
      seq: v.seq as number,
      hash: v.hash,
      at: v.at,
      key_id: v.key_id as string | null,
      signature: v.signature as string | null,
    },
  };
}

/**
 * The highest-seq checkpoint among the file's last 64 KiB (replicas sharing a file may append out
 * of order), or null: a cheap check for start-up; `verifyLedger` reads the whole file.
 */
export async function lastCheckpointLine(path: string): Promise<LedgerCheckpoint | null> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, 65_536);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    let best: LedgerCheckpoint | null = null;
    for (const text of buffer.toString('utf8').split('\n')) {
      if (text.trim() === '') continue;
      const parsed = parseCheckpointLine(0, text.trim());
      if ('checkpoint' in parsed && (best === null || parsed.checkpoint.seq >= best.seq)) best = parsed.checkpoint;
    }
    return best;
  } finally {
    await file.close();
  }
}
