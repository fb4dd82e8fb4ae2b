import { SUMMARY_MAX_CHARS } from '@faramesh/contract';
import { PATH_KEYS, shellAnalysisOf } from '@faramesh/policy';

/** Longer texts are cut before any work, so a megabyte of params costs no more than a short one. */
const INPUT_CHARS = SUMMARY_MAX_CHARS * 4;

type Params = Record<string, unknown>;

/**
 * One line saying what the action will do, for lists where many rows share tool and operation: the
 * shell command as the policy normalized it (`params.cmd`/`params.command`), else the method and URL,
 * else the amount and currency (and customer), else the paths, else the params as `key=value` pairs.
 * Invisible and control characters are kept as sent: clients reveal them. Bounded in length.
 */
export function actionSummary(params: Params): string {
  let cut = false;
  const read = (key: string): string | null => {
    const value = Object.hasOwn(params, key) ? params[key] : undefined;
    if (typeof value !== 'string') return null;
    if (value.length > INPUT_CHARS) cut = true;
    return value.slice(0, INPUT_CHARS);
  };
  const text = commandSummary(read) ?? urlSummary(read) ?? amountSummary(params, read) ?? pathSummary(params, read);
  if (text !== null) return bounded(text, cut);
  const compact = compactParams(params, INPUT_CHARS);
  return bounded(compact.text, compact.cut);
}

function commandSummary(read: (key: string) => string | null): string | null {
  const command: Params = {};
  for (const key of ['cmd', 'command']) {
    const value = read(key);
    if (value !== null) command[key] = value;
  }
  // As the policy read it: every command the line would run (cached by the analyzer since the submit).
  return shellAnalysisOf(command)?.normalized ?? null;
}

function urlSummary(read: (key: string) => string | null): string | null {
  const url = read('url') ?? read('uri');
  if (url === null) return null;
  const method = read('method');
  return method === null || method === '' ? url : `${method.toUpperCase()} ${url}`;
}

function amountSummary(params: Params, read: (key: string) => string | null): string | null {
  const amount = Object.hasOwn(params, 'amount') ? params.amount : undefined;
  const shown = typeof amount === 'number' ? String(amount) : typeof amount === 'string' ? read('amount') : null;
  if (shown === null) return null;
  const currency = read('currency');
  const customer = read('customer') ?? read('customer_id');
  return `${shown}${currency === null ? '' : ` ${currency.toUpperCase()}`}${customer === null ? '' : ` · customer ${customer}`}`;
}

/** The strings under the path keys the policy's path conditions read (`path`, `files`, `src`/`dst`, …). */
function pathSummary(params: Params, read: (key: string) => string | null): string | null {
  const found: Array<[string, string]> = [];
  for (const key of PATH_KEYS) {
    const single = read(key);
    const value = Object.hasOwn(params, key) ? params[key] : undefined;
    const list =
      single !== null
        ? [single]
        : Array.isArray(value)
          ? value.filter((v): v is string => typeof v === 'string').map((v) => v.slice(0, INPUT_CHARS))
          : [];
    if (list.length > 0) found.push([key, list.slice(0, 20).join(', ') + (list.length > 20 ? ', …' : '')]);
  }
  if (found.length === 0) return null;
  if (found.length === 1) return found[0]![1];
  return found.map(([key, value]) => `${key}: ${value}`).join(' · ');
}

/** `key="text" n=5 flags=[true]`: top-level keys in canonical order, values as JSON, stopping at `budget`. */
function compactParams(params: Params, budget: number): { text: string; cut: boolean } {
  const out = new BoundedText(budget);
  for (const key of Object.keys(params).sort()) {
    if (out.full) break;
    if (out.length > 0) out.write(' ');
    out.write(`${key}=`);
    writeJson(out, params[key]);
  }
  return { text: out.text(), cut: out.full };
}

/** Text that stops growing (and says so) once `budget` characters are written. */
class BoundedText {
  readonly #parts: string[] = [];
  length = 0;
  constructor(readonly budget: number) {}
  get full(): boolean {
    return this.length > this.budget;
  }
  write(text: string): void {
    if (this.full) return;
    this.#parts.push(text);
    this.length += text.length;
  }
  text(): string {
    return this.#parts.join('');
  }
}

/** JSON of `value` with sorted keys, written only until `out` is full. */
function writeJson(out: BoundedText, value: unknown): void {
  if (value === null || typeof value !== 'object') {
    const shown = typeof value === 'string' ? value.slice(0, out.budget) : value;
    out.write(JSON.stringify(shown) ?? 'null');
    return;
  }
  const array = Array.isArray(value);
  const keys = array ? null : Object.keys(value).sort();
  const count = array ? value.length : (keys?.length ?? 0);
  out.write(array ? '[' : '{');
  for (let i = 0; i < count && !out.full; i++) {
    if (i > 0) out.write(',');
    if (keys === null) writeJson(out, (value as unknown[])[i]);
    else {
      const key = keys[i] as string;
      out.write(`${JSON.stringify(key)}:`);
      writeJson(out, (value as Params)[key]);
    }
  }
  out.write(array ? ']' : '}');
}

/** At most SUMMARY_MAX_CHARS code points, ending in `…` when anything was left out. */
function bounded(text: string, cut: boolean): string {
  // Each code point takes one or two UTF-16 units: twice the limit in units always holds enough.
  const head = Array.from(text.slice(0, SUMMARY_MAX_CHARS * 2));
  if (!cut && text.length <= SUMMARY_MAX_CHARS * 2 && head.length <= SUMMARY_MAX_CHARS) return text;
  return `${head.slice(0, SUMMARY_MAX_CHARS - 1).join('')}…`;
}
