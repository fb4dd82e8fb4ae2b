/** The choice nearest to `input` by edit distance, if it is near enough to be a likely typo. */
export function closest(input: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const choice of choices) {
    const a = input.toLowerCase();
    const b = choice.toLowerCase();
    // A mistyped prefix (`pendng` for pending_approval) counts as near too.
    let d = distance(a, b);
    if (a.length >= 3) {
      for (let k = a.length - 1; k <= a.length + 1; k++) d = Math.min(d, distance(a, b.slice(0, k)) + 1);
    }
    if (d < bestDistance) {
      best = choice;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  if (best !== undefined && bestDistance <= limit) return best;
  return undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
