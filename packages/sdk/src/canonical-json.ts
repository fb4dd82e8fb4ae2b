import { canonicalJson as canonical } from '@faramesh/canonical';

/**
 * The canonical JSON of a value as the server receives it: first what `JSON.stringify` sends
 * (`toJSON` applied, so a Date is its ISO string; `undefined` members dropped), then the server's
 * own canonical form (@faramesh/canonical: keys sorted, no whitespace). Used to check that the
 * arguments a function runs with are the ones that were submitted and approved. Throws a TypeError
 * for what has no faithful JSON form (NaN and infinities, lone surrogates, BigInt).
 */
export function canonicalJson(value: unknown): string {
  const wire = JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member === 'number' && !Number.isFinite(member)) throw new TypeError('canonicalJson: non-finite number');
    return member;
  });
  return wire === undefined ? 'undefined' : canonical(JSON.parse(wire));
}
