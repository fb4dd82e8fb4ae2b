/** Ledger sequence ids are decimal strings that can exceed 2^53: compare them as digit strings. */
export function isNewerEventId(candidate: string, current: string | null): boolean {
  if (current === null) return true;
  if (!/^\d+$/.test(candidate) || !/^\d+$/.test(current)) return candidate !== current;
  const a = candidate.replace(/^0+(?=\d)/, '');
  const b = current.replace(/^0+(?=\d)/, '');
  return a.length !== b.length ? a.length > b.length : a > b;
}
