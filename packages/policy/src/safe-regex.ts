import { RE2JS } from 're2js';
import { analyzeRegex } from './regex-safety.js';

/** A compiled `pattern:`, tagged with the engine that runs it. */
export interface SafeRegex {
  readonly source: string;
  readonly engine: 'native' | 'linear';
  test(text: string): boolean;
}

export type SafeRegexResult =
  | { ok: true; regex: SafeRegex }
  | { ok: false; code: 'invalid_regex' | 'unsupported_regex'; message: string };

/**
 * Compiles a policy regex: JavaScript syntax is checked first (so every pattern means what it says
 * in JS), then patterns that pass the safety analysis run on V8's RegExp and all others on re2js,
 * a pure-JS port of RE2 whose matching time is linear in the input.
 */
export function compileSafeRegex(source: string): SafeRegexResult {
  let native: RegExp;
  try {
    native = new RegExp(source);
  } catch (error) {
    return {
      ok: false,
      code: 'invalid_regex',
      message: `invalid regex ${JSON.stringify(source)}: ${messageOf(error)}`,
    };
  }
  const safety = analyzeRegex(source);
  if (safety.kind === 'native') {
    return { ok: true, regex: { source, engine: 'native', test: (text) => native.test(text) } };
  }
  if (safety.kind === 'unsupported') {
    return {
      ok: false,
      code: 'unsupported_regex',
      message: `regex ${JSON.stringify(source)} is not supported: ${safety.why}`,
    };
  }
  let linear: RE2JS;
  try {
    linear = RE2JS.compile(source);
  } catch (error) {
    return {
      ok: false,
      code: 'unsupported_regex',
      message: `regex ${JSON.stringify(source)} needs the linear-time engine (${safety.why}) but RE2 syntax rejects it: ${messageOf(error)}`,
    };
  }
  return { ok: true, regex: { source, engine: 'linear', test: (text) => linear.matcher(text).find() } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
