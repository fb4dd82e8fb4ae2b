const ANSI_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Decodes the body of bash's `$'…'` quoting: C escapes, `\xHH`, `\NNN` octal, `\uHHHH`, `\UHHHHHHHH`, `\cX`. */
export function decodeAnsiC(body: string): string {
  let result = '';
  let i = 0;
  while (i < body.length) {
    const ch = body[i] ?? '';
    if (ch !== '\\') {
      result += ch;
      i += 1;
      continue;
    }
    const rest = body.slice(i + 1);
    const simple = ANSI_ESCAPES[rest[0] ?? ''];
    const numeric = /^(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3})/.exec(rest);
    if (numeric !== null) {
      const digits = numeric[0];
      const code = /^[0-7]/.test(digits) ? Number.parseInt(digits, 8) : Number.parseInt(digits.slice(1), 16);
      result += code <= 0x10ffff ? String.fromCodePoint(code) : '';
      i += 1 + digits.length;
    } else if (rest[0] === 'c' && rest.length > 1) {
      // \cX is the control character X & 0x1f.
      result += String.fromCharCode((rest.charCodeAt(1) ?? 0) & 0x1f);
      i += 3;
    } else if (simple !== undefined) {
      result += simple;
      i += 2;
    } else {
      result += `\\${rest[0] ?? ''}`;
      i += 2;
    }
  }
  return result;
}
