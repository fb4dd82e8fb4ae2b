import { type Action, codePointLabel, revealInvisible } from '@faramesh/contract';
import { inlineJson } from './format.js';

/** Characters of the summary `list` shows without `--full`. */
export const SUMMARY_WIDTH = 48;

/**
 * The action's one-line summary for a terminal: every invisible or control character written as its
 * `⟨U+200B⟩` marker (a raw escape could rewrite the screen; a zero-width one hides a difference), cut
 * to `max` characters without splitting a marker, ending in `...` when cut. Older servers send no
 * summary: then the params as JSON.
 */
export function summaryCell(action: Action, max: number = Number.POSITIVE_INFINITY): string {
  const text = action.summary ?? inlineJson(action.params);
  // Units that are never split: one character, or one whole marker.
  const units: Array<{ text: string; width: number }> = [];
  for (const piece of revealInvisible(text)) {
    if (piece.kind === 'text') for (const ch of piece.text) units.push({ text: ch, width: 1 });
    else {
      const marker = `⟨${codePointLabel(piece.codePoint)}⟩`;
      units.push({ text: marker, width: marker.length });
    }
  }
  if (units.reduce((sum, unit) => sum + unit.width, 0) <= max) return units.map((unit) => unit.text).join('');
  let out = '';
  let width = 0;
  for (const unit of units) {
    if (width + unit.width > max - 3) break;
    out += unit.text;
    width += unit.width;
  }
  return `${out}...`;
}
