import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveSegmentInfo } from '@faramesh/store';
import { parseSegmentFileName } from './segment-format.js';
import { PARTIAL_SUFFIX } from './segment-writer.js';

/** Where segment files no committed archive of this database covers are moved. */
export const SUPERSEDED_DIR = 'superseded';

/**
 * Moves aside what an earlier run left in the archive directory: partial files are deleted (never
 * complete, their events are still in the database); segment files past the newest archive go to
 * `superseded/`, never deleted, since after a database restored from an older backup they may be
 * the only copy of what a later archive removed. Returns the moved files.
 */
export async function setAsideLeftovers(dir: string, archivedSeq: number): Promise<string[]> {
  const moved: string[] = [];
  for (const name of await readdir(dir)) {
    if (name.endsWith(PARTIAL_SUFFIX)) {
      await rm(join(dir, name), { force: true });
      continue;
    }
    const range = parseSegmentFileName(name);
    if (range === null || range.first_seq <= archivedSeq) continue;
    const aside = join(dir, SUPERSEDED_DIR);
    await mkdir(aside, { recursive: true });
    const target = await freeName(aside, name);
    await rename(join(dir, name), target);
    moved.push(target);
  }
  return moved;
}

/** Deletes the set-aside files that are byte for byte a segment this run wrote (a re-run after a crash). */
export async function dropRewritten(dir: string, moved: readonly string[], written: readonly ArchiveSegmentInfo[]) {
  const digests = new Set(written.map((segment) => segment.sha256));
  for (const path of moved) {
    if (digests.has(await sha256File(path))) await rm(path, { force: true });
  }
  if (moved.length > 0) await rmdir(join(dir, SUPERSEDED_DIR)).catch(() => {});
}

async function freeName(dir: string, name: string): Promise<string> {
  for (let n = 0; ; n += 1) {
    const candidate = join(dir, n === 0 ? name : `${name}.${n}`);
    if ((await stat(candidate).catch(() => null)) === null) return candidate;
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
