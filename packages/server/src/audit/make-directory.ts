import { mkdir, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Linux's kernel pseudo filesystems, by statfs magic number (linux/magic.h): they hold no files, and
 * as root a directory in one passes a write check or is even made (a new cgroup).
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

/** Why a directory can't be made or used: `code` is an errno name or `pseudo_filesystem`. */
export class DirectoryUnusable extends Error {
  constructor(
    readonly dir: string,
    readonly code: string,
    readonly why: string,
  ) {
    super(`cannot use the directory ${dir}: ${why}`);
  }
}

export const IN_THE_WAY = 'a file is in the way of the directory';

/**
 * Makes `dir` and its missing parents, one level at a time below the nearest existing directory,
 * and refuses a kernel pseudo filesystem first. Node's recursive mkdir never returns for a path under
 * /proc (its mkdir answers ENOENT, so Node makes the parent again and retries, a core busy for good).
 * Throws DirectoryUnusable for what is known to be wrong, or the file system's own error.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const { existing, missing } = await nearestDirectory(dir);
  const filesystem = await pseudoFilesystemOf(existing);
  if (filesystem !== null) {
    throw new DirectoryUnusable(
      dir,
      'pseudo_filesystem',
      `${existing} is on ${filesystem}, a kernel filesystem that holds no files`,
    );
  }
  for (const level of missing) await makeLevel(level);
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
    if (!stats.isDirectory()) throw new DirectoryUnusable(dir, path === dir ? 'EEXIST' : 'ENOTDIR', IN_THE_WAY);
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
    // Made meanwhile (another run) is fine; a file or a dangling link there is in the way.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isDirectory(path))) throw error;
  }
}

const isDirectory = (path: string): Promise<boolean> =>
  stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
