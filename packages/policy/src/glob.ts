/** A compiled glob: `*` matches any run of characters (including none); everything else is literal. */
export type GlobMatcher = (text: string) => boolean;

/** True when the glob has no wildcard, i.e. it matches exactly one string. */
export function isLiteralGlob(glob: string): boolean {
  return !glob.includes('*');
}

/** Compiles a `*`-only glob to the cheapest test that implements it (equality, prefix, suffix, substring, general). */
export function compileGlob(glob: string): GlobMatcher {
  if (isLiteralGlob(glob)) return (text) => text === glob;
  if (/^\*+$/.test(glob)) return () => true;
  const parts = glob.split('*');
  const inner = parts.slice(1, -1);
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    if (last === '') return (text) => text.startsWith(first);
    if (first === '') return (text) => text.endsWith(last);
  }
  if (parts.length === 3 && first === '' && last === '' && inner[0] !== undefined) {
    const middle = inner[0];
    return (text) => text.includes(middle);
  }
  return (text) => matchSegments(text, first, inner, last);
}

// Greedy left-to-right segment search: each `*` segment is placed at its earliest occurrence.
// That is always correct for `*`-only globs and runs in linear time (no backtracking), which
// matters because the text (a tool name, an agent id, a branch) is chosen by the agent.
function matchSegments(text: string, first: string, inner: readonly string[], last: string): boolean {
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let position = first.length;
  const end = text.length - last.length;
  for (const segment of inner) {
    if (segment === '') continue;
    const found = text.indexOf(segment, position);
    if (found < 0 || found + segment.length > end) return false;
    position = found + segment.length;
  }
  return true;
}
