import { constants } from 'node:fs';
import { access, mkdir, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApiError } from '../../http/api-error.js';

/**
 * Linux's kernel pseudo filesystems, by statfs magic number (linux/magic.h): they hold no segment
 * files, and as root a directory in one passes the write check or is even made (a new cgroup).
 */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
]);

const IN_THE_WAY = 'a file is in the way of the directory';

/**
 * Creates the archive directory if needed and checks it can take files, or throws
 * `archive_dir_unusable` saying why (details `{dir, code}`). The missing levels are made one at a
 * time below the nearest existing directory: Node's recursive mkdir never returns for a path under
 * /proc, whose mkdir answers ENOENT, so it retries making the parent and the child forever.
 */
export async function prepareArchiveDir(dir: string): Promise<void> {
  try {
    const { existing, missing } = await nearestDirectory(dir);
    const filesystem = await pseudoFilesystemOf(existing);
    if (filesystem !== null) {
      throw unusable(
        dir,
        'pseudo_filesystem',
        `${existing} is on ${filesystem}, a kernel filesystem that holds no files`,
      );
    }
    for (const level of missing) await makeLevel(level);
    await access(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? IN_THE_WAY
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'it is not writable'
          : (error as Error).message;
    throw unusable(dir, code, why);
  }
}

/** The nearest existing directory at or above `dir`, and the levels below it to make, top first. */
async function nearestDirectory(dir: string): Promise<{ existing: string; missing: string[] }> {
  const missing: string[] = [];
  for (let path = dir; ; path = dirname(path)) {
    const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && dirname(path) !== path) return null;
      throw error;
    });
    if (stats === null) {
      missing.unshift(path);
      continue;
    }
    // The codes mkdir would give: the directory itself is a file, or a file is above it.
    if (!stats.isDirectory()) throw unusable(dir, path === dir ? 'EEXIST' : 'ENOTDIR', IN_THE_WAY);
    return { existing: path, missing };
  }
}

async function pseudoFilesystemOf(path: string): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  return PSEUDO_FILESYSTEMS.get((await statfs(path)).type) ?? null;
}

async function makeLevel(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (error) {
    // Made meanwhile (another archive run) is fine; a file or a dangling link there is in the way.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isDirectory(path))) throw error;
  }
}

const isDirectory = (path: string): Promise<boolean> =>
  stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );

function unusable(dir: string, code: string, why: string): ApiError {
  return new ApiError('archive_dir_unusable', `cannot write archive segments to ${dir}: ${why}`, { dir, code });
}
