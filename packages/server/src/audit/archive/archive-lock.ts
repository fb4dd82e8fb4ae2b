import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../http/api-error.js';

export const LOCK_FILE = 'archive.lock';

interface Holder {
  pid: number;
  host: string;
  started_at: string;
}

/**
 * An exclusive lock on an archive directory: a file created with O_EXCL naming its holder. A lock
 * left by a process that is gone (killed mid-archive) on this host is taken over; one held by a
 * live process, or by another host, is `archive_in_progress`. The database's own guards (an archive
 * must continue the newest one) still hold when two directories are used at once.
 */
export async function lockArchiveDir(dir: string, now: () => Date): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), started_at: now().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o600 });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder !== null && (holder.host !== me.host || isAlive(holder.pid))) {
      throw new ApiError('archive_in_progress', `an archive is already running in ${dir}`, holder);
    }
    await rm(path, { force: true });
  }
  throw new ApiError('archive_in_progress', `could not lock ${dir}`, null);
}

async function readHolder(path: string): Promise<Holder | null> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') {
      return { pid: value.pid, host: value.host, started_at: String(value.started_at) };
    }
  } catch {
    // Unreadable: a lock whose writer died mid-write; treated as stale.
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
