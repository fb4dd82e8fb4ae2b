/** Result of looking a value up: found (possibly `null`) or absent. */
export type Lookup = { found: true; value: unknown } | { found: false };

const ABSENT: Lookup = { found: false };

/**
 * Follows a dotted path (`customer.tier`, `items.0.sku`) through own properties of objects and
 * indexes of arrays. Own properties only, so `__proto__` or `constructor` never resolve to
 * something the agent didn't send.
 */
export function lookupPath(root: unknown, segments: readonly string[]): Lookup {
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return ABSENT;
    if (!Object.hasOwn(current, segment)) return ABSENT;
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

// A string amount counts only when it is entirely a plain decimal number: no spaces, exponents or hex.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** `params.amount` as a number, or NaN when missing or not numeric (NaN fails every comparison). */
export function amountOf(params: Record<string, unknown>): number {
  return numberOf(Object.hasOwn(params, 'amount') ? params.amount : undefined);
}

/** A finite number, or a string that is entirely a plain decimal number, as a number; NaN otherwise. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return Number.NaN;
}

/** A string param by name, or null. */
export function stringParam(params: Record<string, unknown>, key: string): string | null {
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  return typeof value === 'string' ? value : null;
}
