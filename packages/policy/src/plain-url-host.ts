/**
 * The host of the commonest http(s) URL shape without the WHATWG parser (`new URL` costs ~0.5 µs,
 * most of a grant's coverage check): a lower-case `http://` or `https://`, then a host of lower-case
 * letters, digits, dots and hyphens and an optional port, then the end or `/`, `?` or `#`.
 * Undefined whenever the text is anything else or the parser could read the host differently (an
 * IPv4 number such as `0x7f.1`, a punycode label it would check, a port of leading zeros, the
 * scheme's default port, a dot or hyphen at the edge of a label): the caller then asks `new URL`.
 * Only ever answers what `new URL(text).host` answers (a test compares them).
 */
export function plainUrlHost(text: string): string | undefined {
  const start = text.startsWith('https://') ? 8 : text.startsWith('http://') ? 7 : 0;
  if (start === 0) return undefined;
  let at = start;
  let labelStart = start;
  let previous = DOT; // the host starts like a label after a dot
  for (; at < text.length; at++) {
    const c = text.charCodeAt(at);
    const kind = c >= 97 && c <= 122 ? LETTER : c >= 48 && c <= 57 ? DIGIT : c === 45 ? HYPHEN : c === 46 ? DOT : END;
    if (kind === END) break;
    // A label is never empty and never starts or ends with a hyphen.
    if (
      (kind === DOT || kind === HYPHEN) &&
      (previous === DOT || previous === HYPHEN) &&
      !(kind === HYPHEN && previous === HYPHEN)
    ) {
      return undefined;
    }
    if (kind === DOT) labelStart = at + 1;
    previous = kind;
  }
  if (at === start || previous === DOT || previous === HYPHEN) return undefined;
  const host = text.slice(start, at);
  // The IPv4 parser reads a last label starting with a digit (`1.2.3.4`, `0x7f`, `010`); punycode is checked.
  const first = text.charCodeAt(labelStart);
  if ((first >= 48 && first <= 57) || host.includes('xn--')) return undefined;
  if (at === text.length) return host;
  const next = text.charCodeAt(at);
  if (next === 47 || next === 63 || next === 35) return host; // / ? #
  if (next !== 58) return undefined; // anything but a port
  return withPort(text, host, at + 1, start === 8 ? 443 : 80);
}

const LETTER = 0;
const DIGIT = 1;
const HYPHEN = 2;
const DOT = 3;
const END = 4;

/** `host:port` for 1-5 digits without a leading zero, at most 65535, not the default, then the end or / ? #. */
function withPort(text: string, host: string, from: number, fallback: number): string | undefined {
  let port = 0;
  let at = from;
  for (; at < text.length && at - from <= 5; at++) {
    const c = text.charCodeAt(at);
    if (c < 48 || c > 57) break;
    port = port * 10 + (c - 48);
  }
  const digits = at - from;
  if (digits === 0 || digits > 5 || text.charCodeAt(from) === 48 || port > 65535 || port === fallback) return undefined;
  if (at < text.length) {
    const next = text.charCodeAt(at);
    if (next !== 47 && next !== 63 && next !== 35) return undefined;
  }
  return `${host}:${port}`;
}
