import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError } from '../http/api-error.js';

/**
 * Replaces the active policy file's content atomically: refused (409) when the file no longer holds
 * the policy the server runs (`expectedHash`: edited since it was loaded, or a reload is pending) or
 * can't be written. The new text goes to a temporary file in the same directory, is flushed to disk,
 * then renamed over the old one, so a reader (this server's reload, another replica's watcher, an
 * editor) sees the old file or the new one, never half of either. Returns the previous text.
 */
export async function swapPolicyFile(file: string, expectedHash: string, text: string): Promise<string> {
  const previous = await checkPolicyFile(file, expectedHash);
  await writeAtomically(file, text);
  return previous;
}

/** The policy file's text, if it still hashes to `expectedHash` and it and its directory are writable. */
export async function checkPolicyFile(file: string, expectedHash: string): Promise<string> {
  const previous = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw notWritable(file, `it can't be read (${error.code ?? error.message})`);
  });
  const hash = createHash('sha256').update(previous, 'utf8').digest('hex');
  if (hash !== expectedHash) {
    throw new ApiError(
      'policy_file_changed',
      `${file} changed since the server loaded it; reload or review it first, then promote again`,
      { file, loaded_hash: expectedHash, file_hash: hash },
    );
  }
  await writableMode(file);
  return previous;
}

async function writableMode(file: string): Promise<number> {
  try {
    await access(file, constants.W_OK);
    await access(dirname(file), constants.W_OK);
    return (await stat(file)).mode & 0o777;
  } catch (error) {
    throw notWritable(file, `it is not writable (${(error as NodeJS.ErrnoException).code ?? 'access denied'})`);
  }
}

/**
 * Writes `text` over `file` by rename (used for the swap and to put the previous text back). A
 * symbolic link is written through: the file it points to is replaced and the link stays (a rename
 * over the link itself would leave its target, which a deployment may edit, stale and unread).
 */
export async function writeAtomically(link: string, text: string): Promise<void> {
  const file = await realpath(link).catch(() => link);
  const directory = dirname(file);
  const mode = await writableMode(file);
  const temporary = join(directory, `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw notWritable(file, `writing it failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  // The rename is durable once the directory entry is: flush it too (best effort: not every filesystem can).
  const dir = await open(directory, 'r').catch(() => null);
  await dir
    ?.sync()
    .catch(() => {})
    .finally(() => dir.close());
}

function notWritable(file: string, why: string): ApiError {
  return new ApiError('policy_file_not_writable', `cannot promote into the policy file ${file}: ${why}`, { file });
}
