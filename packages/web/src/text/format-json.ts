/**
 * Pretty JSON for display. JSON.stringify already escapes C0 controls and lone surrogates; what it
 * leaves (bidi overrides, zero-width characters…) is made visible by the SafeText renderer.
 */
export function formatJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
