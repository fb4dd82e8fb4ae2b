/**
 * `text` with its characters in one flat buffer. Canonical JSON is built by `+=`, which V8 keeps as
 * a rope (a tree of concatenations: ~200 pieces for an action snapshot); every hash or UTF-8 encoding
 * of a text containing the rope walks the whole tree again, since V8 flattens only the outer
 * concatenation in place, never a rope inside it. A write hashes its snapshot once per event: flat
 * first, each hash copies one buffer instead (~2 µs less per submission, bench/RESULTS.md wt-js).
 */
export function flatText(text: string): string {
  // Number() of a string flattens it in place (V8's String::Flatten) before parsing; a JSON object's
  // `{` ends the parse at the first character. Same characters, same string: only its layout changes.
  Number(text);
  return text;
}
