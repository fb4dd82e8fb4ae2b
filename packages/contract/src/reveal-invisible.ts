import { codePointLabel, isInvisible } from './invisible-chars.js';

/** A piece of agent-supplied text: plain text, or one invisible character to show as a marker. */
export type TextPiece = { kind: 'text'; text: string } | { kind: 'hidden'; codePoint: number };

/**
 * Splits `text` into visible runs and invisible characters, so a renderer can show every hidden
 * character as a marker rather than letting it reorder or hide what surrounds it.
 */
export function revealInvisible(text: string, options: { allowNewlines?: boolean } = {}): TextPiece[] {
  const pieces: TextPiece[] = [];
  let run = '';
  // Iterating by index (not for..of) so lone surrogates are seen one code unit at a time.
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        width = 2;
      }
    }
    if (isInvisible(cp, options)) {
      if (run !== '') pieces.push({ kind: 'text', text: run });
      run = '';
      pieces.push({ kind: 'hidden', codePoint: cp });
    } else {
      run += text.slice(i, i + width);
    }
    i += width - 1;
  }
  if (run !== '') pieces.push({ kind: 'text', text: run });
  return pieces;
}

/** How many invisible characters `text` holds (0 for clean text). */
export function countInvisible(text: string): number {
  let n = 0;
  for (const piece of revealInvisible(text)) if (piece.kind === 'hidden') n++;
  return n;
}

/**
 * `text` with each invisible character written as its `⟨U+202E⟩` marker: for plain-text outputs
 * (terminals, tooltips). `allowNewlines` keeps line feeds, for fields meant to span lines.
 */
export function revealAsText(text: string, options: { allowNewlines?: boolean } = {}): string {
  return revealInvisible(text, options)
    .map((piece) => (piece.kind === 'text' ? piece.text : `⟨${codePointLabel(piece.codePoint)}⟩`))
    .join('');
}
