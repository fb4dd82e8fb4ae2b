import { distance } from 'fastest-levenshtein';

/**
 * The candidate nearest to `key` by edit distance (case-insensitive), if it is close enough to be a
 * plausible typo: distance at most a third of the key's length, minimum 2. A mistyped prefix of a
 * longer candidate (`pendng` for `pending_approval`) counts as near too. The one "did you mean"
 * of the project: policy diagnostics and the CLI's option checks both use it.
 */
export function closestKey(key: string, candidates: readonly string[]): string | null {
  const typed = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = nearness(typed, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

/** Edit distance to the whole candidate, or one more than the distance to a prefix of about the typed length. */
function nearness(typed: string, candidate: string): number {
  let d = distance(typed, candidate);
  if (typed.length >= 3) {
    for (let k = typed.length - 1; k <= typed.length + 1; k++)
      d = Math.min(d, distance(typed, candidate.slice(0, k)) + 1);
  }
  return d;
}
