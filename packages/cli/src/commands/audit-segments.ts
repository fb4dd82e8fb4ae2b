import type { LedgerVerifyKey, SegmentSetVerification } from '@faramesh/server';
import { CliError, UsageError } from '../cli-error.js';
import type { Context } from '../context.js';
import { safeText } from '../output/safe-text.js';

/** The key signatures are checked with: `--key`, else FARAMESH_LEDGER_KEY, else none. */
export async function verifyKey(ctx: Context, text: string | undefined): Promise<LedgerVerifyKey | null> {
  const { parseVerifyKey, LedgerKeyError } = await import('@faramesh/server');
  const keyText = text ?? ctx.io.env.FARAMESH_LEDGER_KEY;
  if (keyText === undefined || keyText === '') return null;
  try {
    return parseVerifyKey(keyText);
  } catch (err) {
    if (err instanceof LedgerKeyError) throw new UsageError(`--key: ${err.message}`);
    throw err;
  }
}

/**
 * `audit verify --segment FILE…`: archive segments verified offline (chain, hashes, counts, the
 * checkpoint line and its signature), and, when several are given, that they form one chain.
 * Exit 1 when any doesn't verify; each problem names its file and line.
 */
export async function verifySegmentFiles(ctx: Context, paths: string[], key: LedgerVerifyKey | null): Promise<number> {
  const { verifySegments } = await import('@faramesh/server');
  const files = await expand(ctx, paths);
  const result = await verifySegments(files, key);
  if (ctx.json) ctx.out.json(result);
  else print(ctx, result, key);
  return result.ok ? 0 : 1;
}

async function expand(ctx: Context, paths: string[]): Promise<string[]> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join, resolve } = await import('node:path');
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(ctx.io.cwd, path);
    const info = await stat(full).catch(() => null);
    if (info === null) throw new CliError(`cannot open ${path}: no such file`);
    if (!info.isDirectory()) files.push(full);
    else {
      const names = (await readdir(full)).filter((name) => /^faramesh-ledger-\d+-\d+\.jsonl$/.test(name)).sort();
      if (names.length === 0) throw new CliError(`${path} holds no segment files (faramesh-ledger-*.jsonl)`);
      files.push(...names.map((name) => join(full, name)));
    }
  }
  return files;
}

function print(ctx: Context, result: SegmentSetVerification, key: LedgerVerifyKey | null): void {
  for (const segment of result.segments) {
    const span =
      segment.first_seq === null
        ? 'no events'
        : `seqs ${segment.first_seq}–${segment.last_seq}, ${segment.count} events`;
    const signed =
      segment.signature === 'valid'
        ? `signature verified (key ${segment.key_id})`
        : segment.signature === 'unverified'
          ? `signed by key ${segment.key_id}, not verified${key ? ` (the key given is ${key.keyId})` : ' (no key given)'}`
          : segment.signature === 'forged'
            ? 'signature does NOT verify'
            : segment.signature;
    if (segment.ok) ctx.out.success(`Segment verifies: ${safeText(`${segment.file}: ${span}, ${signed}`)}`);
    else {
      ctx.out.warn(
        `${ctx.out.ce.red('✗')} Segment does NOT verify: ${safeText(segment.file)}: ${segment.problem_count} problem(s)`,
      );
      for (const problem of segment.problems) {
        // A segment file is data from elsewhere: its problems may quote it, so they are marked, never raw.
        ctx.out.warn(`  - ${safeText(`${problem.file}:${problem.line}: ${problem.message}`)}`);
      }
    }
  }
  for (const problem of result.problems) {
    ctx.out.warn(`${ctx.out.ce.red('✗')} ${safeText(`${problem.file}: ${problem.message}`)}`);
  }
  const first = [...result.segments].sort((a, b) => (a.first_seq ?? 0) - (b.first_seq ?? 0))[0];
  if (!result.from_genesis && first?.first_seq != null) {
    ctx.out.warn(
      `note: the segments start at seq ${first.first_seq}, not at the ledger's first event: the archive before them wasn't given, so that part of the chain is not checked`,
    );
  }
}
