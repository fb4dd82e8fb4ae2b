import { ApiError } from './api-error.js';

/** A `%` that does not start an escape stays literal, as the query-string parser treats it. */
const STRAY_PERCENT = /%(?![0-9a-fA-F]{2})/g;

/**
 * Refuses a query string whose percent-escapes decode to invalid UTF-8 (encoded surrogates included)
 * or to U+0000, naming the parameter: the query-string parser would silently turn the first into
 * U+FFFD, and PostgreSQL refuses NUL in text. The same rule as for JSON bodies (`invalid_unicode`).
 */
export function checkQueryText(url: string): void {
  const start = url.indexOf('?');
  if (start === -1 || !url.includes('%', start)) return;
  for (const pair of url.slice(start + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    for (const part of equals === -1 ? [pair] : [name, pair.slice(equals + 1)]) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(part.replace(STRAY_PERCENT, '%25'));
      } catch {
        throw unstorable(name, 'its percent-encoding is not valid UTF-8');
      }
      if (decoded.includes('\0')) throw unstorable(name, 'it contains U+0000 (NUL)');
    }
  }
}

function unstorable(rawName: string, problem: string): ApiError {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(STRAY_PERCENT, '%25')).replaceAll('\0', '\\u0000');
  } catch {
    // keep the raw (still percent-encoded) name
  }
  const path = `querystring.${name.slice(0, 64)}`;
  return new ApiError('invalid_unicode', `${path}: ${problem}`, [{ path, message: problem }]);
}
