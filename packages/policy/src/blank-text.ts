/**
 * What a reader can't see: whitespace and separators, controls, format characters (zero-width
 * space and joiners, bidi marks, overrides and isolates, word joiner, BOM, tag characters), the
 * other default-ignorable code points (soft hyphen, Hangul fillers, variation selectors), lone
 * surrogates, and the Braille blank, which renders as an empty cell.
 */
const UNSEEN = /[\p{White_Space}\p{Z}\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/**
 * Whether `text` says nothing a person can read: nothing is left once every unseen character is
 * removed. `trim()` alone would take "\u200b\u200b" for an answer.
 */
export function isBlankText(text: string): boolean {
  return text.replace(UNSEEN, '') === '';
}

/** Length in characters (Unicode code points), as limits are documented: an emoji counts 1, not 2 UTF-16 units. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
