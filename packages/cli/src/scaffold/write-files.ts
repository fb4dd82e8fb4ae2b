import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../cli-error.js';

export interface ScaffoldFile {
  path: string;
  content: string;
}

/**
 * Writes the files under `root`, creating folders. Refuses, before writing anything, when any
 * file exists, unless `force`. Answers what was created: folders (ending in `/`) and files.
 */
export function writeScaffold(root: string, files: ScaffoldFile[], force: boolean): string[] {
  const existing = files.filter((f) => existsSync(resolve(root, f.path))).map((f) => f.path);
  if (existing.length > 0 && !force) {
    throw new CliError(
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; use --force to overwrite`,
    );
  }
  const created: string[] = [];
  for (const file of files) {
    const abs = resolve(root, file.path);
    const dir = dirname(file.path);
    if (dir !== '.' && !existsSync(dirname(abs))) created.push(`${dir}/`);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, file.content);
    created.push(file.path);
  }
  return created;
}
