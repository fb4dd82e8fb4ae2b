import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendCheckpointLine, lastCheckpointLine, readCheckpointLines } from './checkpoint-file.js';

const checkpoint = (seq: number) => ({
  seq,
  hash: 'a'.repeat(64),
  at: '2030-01-01T00:00:00.000Z',
  key_id: null,
  signature: null,
});
const lines = async (path: string) => {
  const out = [];
  for await (const line of readCheckpointLines(path)) out.push(line);
  return out;
};

describe('checkpoint file', () => {
  it('appends checkpoints as JSON lines, creating the directory, and reads them back', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cp-')), 'nested', 'checkpoints.jsonl');
    await appendCheckpointLine(path, checkpoint(3));
    await appendCheckpointLine(path, checkpoint(9));
    expect(await lines(path)).toEqual([
      { line: 1, checkpoint: checkpoint(3) },
      { line: 2, checkpoint: checkpoint(9) },
    ]);
    expect(await lastCheckpointLine(path)).toEqual(checkpoint(9));
  });

  it('reports unreadable and over-long lines without buffering them, and keeps reading', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cp-')), 'checkpoints.jsonl');
    const good = JSON.stringify(checkpoint(5));
    writeFileSync(path, `${good}\nnot json\n{"seq":-1}\n${'x'.repeat(10_000)}\n\n${JSON.stringify(checkpoint(4))}`);
    const read = await lines(path);
    expect(read.map((l) => ('error' in l ? `${l.line}: ${l.error}` : `${l.line}: seq ${l.checkpoint.seq}`))).toEqual([
      '1: seq 5',
      '2: not JSON',
      '3: not a checkpoint {seq, hash, at, key_id, signature}',
      '4: line is longer than 4096 bytes',
      '6: seq 4',
    ]);
    // The newest by seq, since replicas sharing a file may append out of order.
    expect(await lastCheckpointLine(path)).toEqual(checkpoint(5));
  });

  it('treats a missing file as having no checkpoint yet', async () => {
    expect(await lastCheckpointLine(join(tmpdir(), 'no-such-dir-faramesh', 'x.jsonl'))).toBeNull();
  });
});

describe('checkpoint file under a kernel filesystem', () => {
  // A recursive mkdir under /proc never returns and keeps a core busy: the append must fail at once.
  it.runIf(existsSync('/proc/self'))(
    'refuses a directory under /proc at once instead of spinning',
    async () => {
      await expect(appendCheckpointLine('/proc/self/faramesh/checkpoints.jsonl', checkpoint(1))).rejects.toMatchObject({
        code: 'pseudo_filesystem',
        message:
          'cannot use the directory /proc/self/faramesh: /proc/self is on proc, a kernel filesystem that holds no files',
      });
    },
    5_000,
  );
});
