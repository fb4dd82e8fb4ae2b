import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReadinessCheck } from './readiness.js';

/**
 * Free space on the SQLite file's filesystem must stay above `minFreeBytes`. The probe write alone
 * can't see a full disk: SQLite reuses the space of its write-ahead log, so a one-row update still
 * commits on a full disk while a submission that has to grow the files fails. statfs sees it, and
 * before the first write fails.
 */
export function diskSpaceCheck(databaseFile: string, minFreeBytes: number): ReadinessCheck {
  const directory = dirname(databaseFile);
  return {
    name: 'disk_space',
    async check() {
      const stats = await statfs(directory);
      const free = stats.bavail * stats.bsize;
      const details = { path: directory, free_bytes: free, min_free_bytes: minFreeBytes };
      return free < minFreeBytes ? { ok: false, reason: 'disk_full', details } : { ok: true, details };
    },
  };
}
