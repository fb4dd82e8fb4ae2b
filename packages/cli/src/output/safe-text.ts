import { isInvisible, revealAsText } from '@faramesh/contract';
import { inlineJson } from './format.js';

/**
 * Text that agents or other users wrote (agent_id, tool, params, reasons, errors, notes, names),
 * made harmless for a terminal: every character the dashboard marks as hidden (controls with ESC
 * and DEL, C1 controls, zero-width and bidirectional formatting, tag characters, odd spaces) is
 * written as its visible `⟨U+001B⟩` marker. Raw, an ESC sequence could erase lines or fake output
 * and a bidi override could reorder what an approver reads. A line feed stays one only in a
 * `multiline` field; everywhere else it is a marker too, so a value can't fake a row of its own.
 */
export function safeText(text: string, options: { multiline?: boolean } = {}): string {
  return revealAsText(text, { allowNewlines: options.multiline === true });
}

/** A value as one line of JSON (`inlineJson`), safe as `safeText` makes it: JSON escapes C0 controls, not DEL, C1 or bidi. */
export function safeJson(value: unknown): string {
  return safeText(inlineJson(value));
}

/**
 * Compact JSON meant to be copied back into a command (`grants propose`, a grant's scope): each
 * hidden character as a JSON `\uXXXX` escape instead of a marker, so the text is still valid JSON
 * naming exactly the same strings, and nothing reaches the terminal raw.
 */
export function escapedJson(value: unknown): string {
  let out = '';
  for (const ch of JSON.stringify(value) ?? 'null') {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isInvisible(cp)) out += ch;
    // A character beyond U+FFFF (a tag character) is escaped as its surrogate pair, as JSON spells it.
    else for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}
