import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cli-error.js';
import type { ScaffoldFile } from './write-files.js';

/**
 * The Faramesh checkout this CLI runs from (src/ and dist/ sit at the same depth). Its Dockerfile,
 * docker-compose.yaml and .dockerignore are the one source of what `init-docker` writes, so the
 * files a user gets can't drift from the ones the repository's tests check.
 */
export const SOURCE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const DOCKER_FILES = ['Dockerfile', 'docker-compose.yaml', '.dockerignore'] as const;

/** The repository's Docker files, byte for byte. */
export function dockerTemplates(root: string = SOURCE_ROOT): ScaffoldFile[] {
  return DOCKER_FILES.map((path) => {
    try {
      return { path, content: readFileSync(`${root}${path}`, 'utf8') };
    } catch {
      throw new CliError(`cannot read ${path} from the Faramesh checkout at ${root}`);
    }
  });
}
