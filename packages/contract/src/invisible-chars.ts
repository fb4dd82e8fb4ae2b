/**
 * Characters that render as nothing (or as something misleading) and so can hide what an agent
 * really asked for: controls, zero-width and bidirectional formatting, Unicode "tag" characters
 * (used to smuggle text past humans), variation selectors, and spaces that are not U+0020.
 */

const NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'NULL'],
  [0x09, 'CHARACTER TABULATION'],
  [0x0a, 'LINE FEED'],
  [0x0d, 'CARRIAGE RETURN'],
  [0x1b, 'ESCAPE'],
  [0x7f, 'DELETE'],
  [0xa0, 'NO-BREAK SPACE'],
  [0xad, 'SOFT HYPHEN'],
  [0x34f, 'COMBINING GRAPHEME JOINER'],
  [0x61c, 'ARABIC LETTER MARK'],
  [0x115f, 'HANGUL CHOSEONG FILLER'],
  [0x1160, 'HANGUL JUNGSEONG FILLER'],
  [0x180e, 'MONGOLIAN VOWEL SEPARATOR'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x202f, 'NARROW NO-BREAK SPACE'],
  [0x205f, 'MEDIUM MATHEMATICAL SPACE'],
  [0x2060, 'WORD JOINER'],
  [0x2061, 'FUNCTION APPLICATION'],
  [0x2062, 'INVISIBLE TIMES'],
  [0x2063, 'INVISIBLE SEPARATOR'],
  [0x2064, 'INVISIBLE PLUS'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0x3000, 'IDEOGRAPHIC SPACE'],
  [0x3164, 'HANGUL FILLER'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE (BOM)'],
  [0xffa0, 'HALFWIDTH HANGUL FILLER'],
  [0xfff9, 'INTERLINEAR ANNOTATION ANCHOR'],
  [0xfffa, 'INTERLINEAR ANNOTATION SEPARATOR'],
  [0xfffb, 'INTERLINEAR ANNOTATION TERMINATOR'],
]);

/** Whether `cp` must be shown as a visible marker instead of being rendered. */
export function isInvisible(cp: number, options: { allowNewlines?: boolean } = {}): boolean {
  if (options.allowNewlines === true && cp === 0x0a) return false;
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return true; // a lone surrogate (pairs never reach here)
  if (cp >= 0x2000 && cp <= 0x200f) return true; // odd-width spaces, zero-width chars, LRM/RLM
  if (cp >= 0x2028 && cp <= 0x202f) return true; // separators, bidi embeddings and overrides
  if (cp >= 0x205f && cp <= 0x206f) return true; // word joiner, invisible operators, isolates
  if (cp >= 0xfe00 && cp <= 0xfe0d) return true; // variation selectors (FE0E/FE0F pick emoji style)
  if (cp >= 0xe0000 && cp <= 0xe007f) return true; // tag characters: invisible ASCII
  if (cp >= 0xe0100 && cp <= 0xe01ef) return true; // supplementary variation selectors
  return NAMES.has(cp);
}

/** `U+202E`, the label a marker shows. */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A human name for the tooltip, e.g. "RIGHT-TO-LEFT OVERRIDE". */
export function codePointName(cp: number): string {
  const known = NAMES.get(cp);
  if (known !== undefined) return known;
  if (cp >= 0xe0000 && cp <= 0xe007f) {
    const ascii = cp - 0xe0000;
    return ascii >= 0x20 && ascii < 0x7f ? `TAG ${String.fromCharCode(ascii)}` : 'TAG CHARACTER';
  }
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return 'CONTROL CHARACTER';
  if (cp >= 0xd800 && cp <= 0xdfff) return 'LONE SURROGATE';
  if ((cp >= 0xfe00 && cp <= 0xfe0f) || cp >= 0xe0100) return 'VARIATION SELECTOR';
  if (cp >= 0x2000 && cp <= 0x200a) return 'SPACE (NOT U+0020)';
  return 'INVISIBLE CHARACTER';
}
