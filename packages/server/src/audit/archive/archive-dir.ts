import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { ApiError } from '../../http/api-error.js';
import { DirectoryUnusable, IN_THE_WAY, makeDirectory } from '../make-directory.js';

/**
 * Creates the archive directory if needed and checks it can take files, or throws
 * `archive_dir_unusable` saying why (details `{dir, code}`): never a recursive mkdir, which spins
 * for ever under /proc (make-directory.ts).
 */
export async function prepareArchiveDir(dir: string): Promise<void> {
  try {
    await makeDirectory(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof DirectoryUnusable) throw unusable(dir, error.code, error.why);
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

function unusable(dir: string, code: string, why: string): ApiError {
  return new ApiError('archive_dir_unusable', `cannot write archive segments to ${dir}: ${why}`, { dir, code });
}
