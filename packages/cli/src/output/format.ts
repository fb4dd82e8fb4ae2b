import { revealAsText } from '@faramesh/contract';

/** Text formatting shared by the commands' human output. */

/** The first 8 characters of a UUID, as the seed's tables show ids. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** `2026-01-12 10:00:00` in local time (TZ applies). Unparsable input is shown as given, hidden characters marked. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return revealAsText(iso);
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${formatClock(iso)}`;
}

/** `10:00:15` in local time. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return revealAsText(iso);
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** Cuts text to `max` characters, ending in `...` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 3))}...`;
}

/** One-line JSON with a space after `:` and `,`, as the seed prints params: `{"cmd": "ls"}`. */
export function inlineJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')}}`;
}
