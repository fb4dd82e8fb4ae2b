/**
 * Parses a `.env` file: `KEY=value` lines, `#` comments, optional `export ` prefix, single or double
 * quotes (double quotes understand \n, \t, \" and \\). Invalid lines are reported, not guessed at.
 *
 * Why not Node's `util.parseEnv` or the `dotenv` package: neither reports a line it can't read, and
 * on Node 20.20 `util.parseEnv('bad line\n1X=3\nF="open\nG=ok')` returns a key `"bad line\n1X"`
 * and folds `G=ok` into F's value, so a typo in .env would silently change the configuration.
 * The server refuses to start on a bad .env instead (main.ts), which needs the line numbers.
 */
export interface DotenvResult {
  values: Record<string, string>;
  problems: { line: number; message: string }[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseDotenv(text: string): DotenvResult {
  const values: Record<string, string> = {};
  const problems: DotenvResult['problems'] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) {
      problems.push({ line: index + 1, message: 'expected KEY=value' });
      return;
    }
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key)) {
      problems.push({ line: index + 1, message: `invalid variable name "${key}"` });
      return;
    }
    const value = unquote(body.slice(eq + 1).trim());
    if (value === null) {
      problems.push({ line: index + 1, message: `unterminated quote in ${key}` });
      return;
    }
    values[key] = value;
  });
  return { values, problems };
}

function unquote(value: string): string | null {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") {
    const hash = value.search(/\s#/);
    return hash === -1 ? value : value.slice(0, hash).trimEnd();
  }
  const end = value.lastIndexOf(quote);
  if (end === 0) return null;
  const inner = value.slice(1, end);
  if (quote === "'") return inner;
  return inner.replace(/\\([nt"\\])/g, (_, c: string) => ({ n: '\n', t: '\t', '"': '"', '\\': '\\' })[c] ?? c);
}
