/**
 * Conservative static analysis of a JavaScript regex source, deciding whether V8's backtracking
 * engine can run it in (near) linear time. V8 has no step limit: `(a+)+$` takes seconds at 26
 * characters and `a.*b` takes seconds on 64 KiB, so "safe" here is deliberately narrow.
 */
export type RegexSafety = { kind: 'native' } | { kind: 'linear'; why: string } | { kind: 'unsupported'; why: string };

// Backtracking work per start position is bounded by the product of the choices each bounded
// quantifier offers; above this we prefer the linear engine.
const MAX_NATIVE_CHOICES = 64;

interface GroupFrame {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

type LastAtom = { kind: 'none' } | { kind: 'atom' } | { kind: 'group'; frame: GroupFrame };

/** Classifies a regex: native RegExp, the linear-time engine, or not supported at all. */
export function analyzeRegex(source: string): RegexSafety {
  const stack: GroupFrame[] = [{ hasQuantifier: false, hasAlternation: false }];
  let last: LastAtom = { kind: 'none' };
  let unbounded = 0;
  let choices = 1;
  let nested = false;
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    const frame = stack[stack.length - 1];
    if (frame === undefined) break;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k')
        return { kind: 'unsupported', why: 'backreferences need a backtracking engine' };
      last = { kind: 'atom' };
      i += 2;
      continue;
    }
    if (ch === '[') {
      i = skipClass(source, i);
      last = { kind: 'atom' };
      continue;
    }
    if (ch === '(') {
      if (source.startsWith('(?=', i) || source.startsWith('(?!', i)) {
        return { kind: 'unsupported', why: 'lookahead needs a backtracking engine' };
      }
      if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) {
        return { kind: 'unsupported', why: 'lookbehind needs a backtracking engine' };
      }
      stack.push({ hasQuantifier: false, hasAlternation: false });
      last = { kind: 'none' };
      i += 1;
      continue;
    }
    if (ch === ')') {
      const closed = stack.pop();
      const parent = stack[stack.length - 1];
      if (closed === undefined || parent === undefined) return { kind: 'native' }; // syntax already checked
      if (closed.hasQuantifier) parent.hasQuantifier = true;
      last = { kind: 'group', frame: closed };
      i += 1;
      continue;
    }
    if (ch === '|') {
      frame.hasAlternation = true;
      last = { kind: 'none' };
      i += 1;
      continue;
    }
    const quantifier = readQuantifier(source, i);
    if (quantifier !== null) {
      if (last.kind === 'group' && (last.frame.hasQuantifier || last.frame.hasAlternation)) nested = true;
      if (quantifier.max === null) unbounded += 1;
      else choices *= quantifier.max - quantifier.min + 1;
      frame.hasQuantifier = true;
      last = { kind: 'none' };
      i = quantifier.end;
      if (source[i] === '?') i += 1; // lazy modifier
      continue;
    }
    last = { kind: 'atom' };
    i += 1;
  }
  if (nested) return { kind: 'linear', why: 'a quantified group contains a quantifier or an alternation' };
  if (unbounded > 0) return { kind: 'linear', why: 'unbounded quantifiers (*, +, {n,}) can backtrack quadratically' };
  if (choices > MAX_NATIVE_CHOICES) return { kind: 'linear', why: 'bounded quantifiers offer too many choices' };
  return { kind: 'native' };
}

function skipClass(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i += 1;
  if (source[i] === ']') i += 1; // a leading `]` is literal only in some dialects; harmless either way
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

function readQuantifier(source: string, i: number): { min: number; max: number | null; end: number } | null {
  const ch = source[i];
  if (ch === '*') return { min: 0, max: null, end: i + 1 };
  if (ch === '+') return { min: 1, max: null, end: i + 1 };
  if (ch === '?') return { min: 0, max: 1, end: i + 1 };
  if (ch !== '{') return null;
  const braced = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
  if (braced === null) return null;
  const min = Number(braced[1]);
  const max = braced[2] === undefined ? min : braced[3] === '' ? null : Number(braced[3]);
  return { min, max, end: i + braced[0].length };
}
