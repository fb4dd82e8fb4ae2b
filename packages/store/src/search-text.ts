/**
 * What `ActionFilter.q` matches, the same on every adapter.
 *
 * An action's search text is its agent_id, tool and operation, then the first `SEARCH_JSON_CHARS`
 * characters (code points) of the canonical JSON of its params and of its context, joined by line
 * feeds. `q` matches an action whose id starts with it (ignoring case: ids are lowercase UUIDs, as the
 * CLI's prefixes), or when it occurs in the search text ignoring ASCII case (A–Z
 * equal a–z; every other character compares exactly), either as typed or as JSON writes it inside a
 * string (`"` as `\"`, `\` as `\\`, a line feed as `\n`), so `echo "hi"` finds the command
 * `echo "hi"`. A form holding control characters is looked for only as JSON writes it: names can't
 * hold them and JSON text escapes them, so no match spans two parts of the search text.
 *
 * The JSON is cut so that one huge submission can't make its insert (SQLite FTS5, PostgreSQL
 * pg_trgm) cost megabytes of index; ids are matched by prefix on the primary key rather than indexed
 * by trigrams (36 random characters were a third of each insert's indexing cost). The SQL of the
 * indexes and scans repeats these rules.
 */
export const SEARCH_JSON_CHARS = 4096;

/** Trigram indexes answer only patterns of at least this many characters; shorter ones scan. */
export const INDEXED_MIN_CHARS = 3;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this detects
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A-Z → a-z, nothing else: what SQLite's lower() and LIKE do, and ILIKE under the "C" collation. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** The first `n` code points of `text` (as SQLite's substr and PostgreSQL's left count them). */
export function firstCodePoints(text: string, n: number): string {
  if (text.length <= n) return text;
  let units = 0;
  for (let points = 0; points < n && units < text.length; points++) {
    const code = text.charCodeAt(units);
    units += code >= 0xd800 && code <= 0xdbff && units + 1 < text.length ? 2 : 1;
  }
  return text.slice(0, units);
}

/** The forms of `q` to look for, lowercased (ASCII), without duplicates; empty for an empty q. */
export function searchForms(q: string): string[] {
  if (q === '') return [];
  const forms: string[] = [];
  if (!CONTROL.test(q)) forms.push(q);
  const escaped = JSON.stringify(q).slice(1, -1);
  if (escaped !== q) forms.push(escaped);
  return forms.map(asciiLower);
}

/** Whether every form is long enough for a trigram index. */
export function indexable(forms: readonly string[]): boolean {
  return forms.every((form) => [...form].length >= INDEXED_MIN_CHARS);
}

/** The lowercase id prefix `q` can be, or null when it can't start an id (a UUID: hex digits and dashes). */
export function idPrefix(q: string): string | null {
  return /^[0-9a-f-]+$/i.test(q) ? q.toLowerCase() : null;
}

/** The search text of an action, lowercased (ASCII): what the indexes hold. */
export function searchText(
  names: { agent_id: string; tool: string; operation: string },
  paramsJson: string,
  contextJson: string,
): string {
  return asciiLower(
    [
      names.agent_id,
      names.tool,
      names.operation,
      firstCodePoints(paramsJson, SEARCH_JSON_CHARS),
      firstCodePoints(contextJson, SEARCH_JSON_CHARS),
    ].join('\n'),
  );
}
