/** Longest path string read; a longer one is unreadable (Linux PATH_MAX is 4096 bytes). */
export const MAX_PATH_CHARS = 4096;

/** Percent-decoding is applied at most this many times; a string still encoded after that is unreadable. */
export const MAX_DECODE_ROUNDS = 3;

/** Every way one path string can be read, normalised; or why it can't be read. */
export type PathReadings = { ok: true; readings: string[] } | { ok: false; why: string };

// A URL scheme has at least two characters, so a Windows drive (`C:\x`, `C:/x`) is never a scheme.
const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const SPECIAL_SCHEMES = new Set(['file:', 'http:', 'https:', 'ws:', 'wss:', 'ftp:']);
const ENCODED_RUN = /(?:%[0-9a-f]{2})+/gi;
const DRIVE = /^([a-z]):\//i;
const UTF8 = new TextDecoder('utf-8');

/**
 * Reads one path string the way every consumer might: as sent and with surrounding whitespace
 * trimmed; as sent and percent-decoded once, twice, … until stable (at most `MAX_DECODE_ROUNDS`);
 * with `\` as a literal character and as a separator. Each reading is normalised lexically
 * (`normalizeLexically`) and in Unicode NFC; duplicates are dropped. A URL with a scheme is read as
 * its pathname (a `file:` URL's pathname only in decoded form, since that is the file it names;
 * a scheme that isn't special, like `notes:v2.txt`, also as sent).
 * Unreadable: longer than `MAX_PATH_CHARS`, a NUL in any reading, a `file:` URL naming a remote
 * host, still encoded after the last round.
 */
export function readPath(raw: string): PathReadings {
  if (raw.length > MAX_PATH_CHARS) return { ok: false, why: `longer than ${MAX_PATH_CHARS} characters` };
  let bases = raw.trim() === raw ? [raw] : [raw, raw.trim()];
  let skipUndecoded = false;
  if (URL_SCHEME.test(raw.trim())) {
    const url = parseUrl(raw.trim());
    if (url !== null) {
      if (url.protocol === 'file:' && url.host !== '' && url.host !== 'localhost') {
        return { ok: false, why: `a file URL naming the remote host ${url.host}` };
      }
      // `notes:v2.txt` parses as a URL too: a scheme that isn't special may be a file name, so it is also read as sent.
      bases = SPECIAL_SCHEMES.has(url.protocol) ? [url.pathname] : [...bases, url.pathname];
      skipUndecoded = url.protocol === 'file:';
    }
  }
  const readings = new Set<string>();
  for (const base of bases) {
    const stages = decodeStages(base);
    if (stages === null) return { ok: false, why: `percent-encoded more than ${MAX_DECODE_ROUNDS} times` };
    for (const stage of skipUndecoded && stages.length > 1 ? stages.slice(1) : stages) {
      if (stage.includes('\0')) return { ok: false, why: 'contains a NUL character' };
      readings.add(normalizeLexically(stage.normalize('NFC')));
      if (stage.includes('\\')) readings.add(normalizeLexically(stage.replaceAll('\\', '/').normalize('NFC')));
    }
  }
  return { ok: true, readings: [...readings] };
}

/**
 * Resolves `.` and `..` segments, collapses repeated slashes and drops a trailing slash, without
 * touching the filesystem. An absolute path (leading `/`, or a drive `C:/`, upper-cased) can't
 * climb above its root; a relative one keeps its leading `..` segments and is `.` when empty.
 */
export function normalizeLexically(path: string): string {
  const drive = DRIVE.exec(path);
  const root = drive !== null ? `${(drive[1] as string).toUpperCase()}:/` : path.startsWith('/') ? '/' : '';
  const rest = drive !== null ? path.slice(2) : path;
  const out: string[] = [];
  for (const segment of rest.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') out.push(segment);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (root === '') out.push('..');
  }
  const joined = root + out.join('/');
  return joined === '' ? '.' : joined;
}

/** Whether a normalised reading is absolute (it has a root every policy prefix can be compared with). */
export function isAbsoluteReading(reading: string): boolean {
  return reading.startsWith('/') || DRIVE.test(reading);
}

// The string as sent, then each percent-decoding of it until nothing changes; null when it still
// changes after MAX_DECODE_ROUNDS rounds. Invalid UTF-8 decodes to U+FFFD, which is never `/` or `.`.
function decodeStages(base: string): string[] | null {
  const stages = [base];
  let current = base;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    const next = current.replace(ENCODED_RUN, decodeRun);
    if (next === current) return stages;
    if (round === MAX_DECODE_ROUNDS) return null;
    stages.push(next);
    current = next;
  }
  return null;
}

function decodeRun(run: string): string {
  const bytes = new Uint8Array(run.length / 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
  return UTF8.decode(bytes);
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
