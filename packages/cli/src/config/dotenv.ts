import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The server's parser, through its light subpath export: the CLI reads `.env` exactly as `serve` does
// without loading the server itself.
import { parseDotenv } from '@faramesh/server/dotenv';

/**
 * The variables of `.env` in `cwd` (missing file → none). Never writes to process.env: callers give
 * flags and the real environment precedence. Lines the parser rejects are left out here; `serve`
 * and `doctor` report them.
 */
export function readDotenv(cwd: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.env'), 'utf8');
  } catch {
    return {};
  }
  return parseDotenv(text).values;
}
