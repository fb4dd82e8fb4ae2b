import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareArchiveDir } from './archive-dir.js';

const root = mkdtempSync(join(tmpdir(), 'faramesh-archive-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('preparing the archive directory', () => {
  it('makes every missing level, also when two runs make them at once', async () => {
    const dir = join(root, 'cold', 'faramesh', 'segments');
    await Promise.all([prepareArchiveDir(dir), prepareArchiveDir(dir)]);
    expect(statSync(dir).isDirectory()).toBe(true);
    await prepareArchiveDir(dir);
  });

  it('says a dangling symbolic link is in the way', async () => {
    const link = join(root, 'unmounted');
    symlinkSync(join(root, 'nowhere'), link);
    await expect(prepareArchiveDir(join(link, 'segments'))).rejects.toMatchObject({
      code: 'archive_dir_unusable',
      details: { code: 'EEXIST' },
      message: `cannot write archive segments to ${join(link, 'segments')}: a file is in the way of the directory`,
    });
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  });

  // As root, /proc and /sys pass the write check, and a recursive mkdir under /proc never returns.
  it.runIf(existsSync('/proc/self') && existsSync('/sys/kernel'))(
    'refuses kernel filesystems at once, existing directories and new ones alike',
    async () => {
      for (const [dir, on] of [
        ['/proc', '/proc is on proc'],
        ['/proc/self/faramesh', '/proc/self is on proc'],
        ['/sys/kernel/faramesh/segments', '/sys/kernel is on sysfs'],
      ] as const) {
        await expect(prepareArchiveDir(dir)).rejects.toMatchObject({
          code: 'archive_dir_unusable',
          message: `cannot write archive segments to ${dir}: ${on}, a kernel filesystem that holds no files`,
          details: { dir, code: 'pseudo_filesystem' },
        });
      }
    },
    5_000,
  );
});
