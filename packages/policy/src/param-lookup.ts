/** Result of looking a value up: found (possibly `null`) or absent. */
export type Lookup = { found: true; value: unknown } | { found: false };

const ABSENT: Lookup = { found: false };

/** An array index as JSON paths write it: `0`, `12`, never `01`, `-1` or `length`. */
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Follows a dotted path (`customer.tier`, `items.0.sku`) through own properties of objects and
 * indexes of arrays. Own properties only, so `__proto__` or `constructor` never resolve to
 * something the agent didn't send; in an array only an index does (an array's own `length` is not
 * a value the agent sent either).
 */
export function lookupPath(root: unknown, segments: readonly string[]): Lookup {
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return ABSENT;
    if (!Object.hasOwn(current, segment)) return ABSENT;
    if (Array.isArray(current) && !INDEX.test(segment)) return ABSENT;
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

// A string amount counts only when it is entirely a plain decimal number: an optional minus, digits
// without leading zeros, an optional fraction (no spaces, `+`, exponents, hex, `.5` or `5.`).
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** `params.amount` as a number, or NaN when missing or not numeric (NaN fails every comparison). */
export function amountOf(params: Record<string, unknown>): number {
  return numberOf(Object.hasOwn(params, 'amount') ? params.amount : undefined);
}

/**
 * A finite number, or a string that is entirely a plain decimal number, as a number; NaN otherwise.
 * A string counts only when the number is exactly the decimal it writes (trailing zeros aside):
 * `"100.00000000000000001"` or `"9007199254740993"` would compare as a neighbour (100, 2^53) while
 * the tool reading the string gets more, so they are not numbers here (the stricter outcome).
 */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return Number.NaN;
  const number = Number(value);
  return shortestDecimal(number) === withoutTrailingZeros(value) ? number : Number.NaN;
}

/** `12.50` → `12.5`, `3.0` → `3`, `-0` → `0`: the decimal as JavaScript writes the number back. */
function withoutTrailingZeros(text: string): string {
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/** The number's shortest round-trip decimal, or null when JavaScript writes it with an exponent. */
function shortestDecimal(number: number): string | null {
  const text = String(number);
  return text.includes('e') ? null : text;
}

/** A string param by name, or null. */
export function stringParam(params: Record<string, unknown>, key: string): string | null {
  const value = Object.hasOwn(params, key) ? params[key] : undefined;
  return typeof value === 'string' ? value : null;
}
