/** A metric selector inside a PromQL expression: `name{label="v", other=~"a|b"}`. */
export interface Selector {
  metric: string;
  matchers: { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
}

/** The selectors of faramesh_* metrics in `expr`, and the labels it groups by (`by (a, b)`). */
export function selectorsOf(expr: string): { selectors: Selector[]; groupBy: string[] } {
  const selectors: Selector[] = [];
  for (const match of expr.matchAll(/\b(faramesh_[a-z_]+)\s*(?:\{([^}]*)\})?/g)) {
    const matchers: Selector['matchers'] = [];
    for (const m of (match[2] ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
      matchers.push({ label: m[1] as string, op: m[2] as Selector['matchers'][number]['op'], value: m[3] as string });
    }
    selectors.push({ metric: match[1] as string, matchers });
  }
  const groupBy = [...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) =>
    (m[1] as string)
      .split(',')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  );
  return { selectors, groupBy };
}
