import type { ShellWord } from './shell-words.js';

/**
 * The options a command accepts before its operands, enough to find where the operands start.
 * Short options are single letters; an unknown option makes the operands unknowable, so the
 * caller treats it as "can't tell" rather than guessing which word is the command.
 */
export interface OptionGrammar {
  /** Short options without a value. */
  readonly flags?: string;
  /** Short options taking a value: attached (`-uroot`) or the next word (`-u root`). */
  readonly valued?: string;
  /** Short options whose value can only be attached (`xargs -i{}`). */
  readonly attached?: string;
  /** Long options without a value. */
  readonly long?: readonly string[];
  /** Long options taking a value: `--user root` or `--user=root`. */
  readonly longValued?: readonly string[];
  /** Long options with an optional value, which can only be attached (`--preserve-env=A,B`). */
  readonly longOptional?: readonly string[];
  /** `nice -10`: a dash and digits is an option. */
  readonly numeric?: boolean;
  /** `env`: `NAME=value` words before the command are assignments, not the command. */
  readonly assignments?: boolean;
}

/** Where the operands start, and the values given to each option (`{'c': [word]}`), or why it can't tell. */
export type OptionScan =
  | { ok: true; operands: number; values: ReadonlyMap<string, ShellWord[]>; assignments: string[] }
  | { ok: false; problem: string };

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Scans leading options of `words` (POSIX style: options stop at the first operand or `--`). */
export function scanOptions(command: string, words: readonly ShellWord[], grammar: OptionGrammar): OptionScan {
  const values = new Map<string, ShellWord[]>();
  const assignments: string[] = [];
  const record = (option: string, value: ShellWord): void => {
    const list = values.get(option);
    if (list === undefined) values.set(option, [value]);
    else list.push(value);
  };
  let i = 0;
  while (i < words.length) {
    const word = words[i] as ShellWord;
    const text = word.text;
    if (grammar.assignments === true && ASSIGNMENT.test(text)) {
      assignments.push(text);
      i += 1;
      continue;
    }
    // A value known only at run time could be an option or the command itself: can't tell.
    if (word.dynamic) return { ok: false, problem: `${command} is given a value known only at run time: ${text}` };
    if (text === '--') return { ok: true, operands: i + 1, values, assignments };
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      const name = text.slice(2, eq < 0 ? undefined : eq);
      if (grammar.long?.includes(name) && eq < 0) i += 1;
      else if (grammar.longOptional?.includes(name)) i += 1;
      else if (grammar.longValued?.includes(name)) {
        if (eq >= 0) {
          record(name, { ...word, text: text.slice(eq + 1) });
          i += 1;
        } else {
          const value = words[i + 1];
          if (value !== undefined) record(name, value);
          i += 2;
        }
      } else return { ok: false, problem: `unknown option ${text} of ${command}` };
      continue;
    }
    if (text.startsWith('-') && text.length > 1) {
      if (grammar.numeric === true && /^-\d+$/.test(text)) {
        i += 1;
        continue;
      }
      const consumed = scanCluster(command, word, words[i + 1], grammar, record);
      if (typeof consumed === 'string') return { ok: false, problem: consumed };
      i += consumed;
      continue;
    }
    break;
  }
  return { ok: true, operands: i, values, assignments };
}

// One `-abc` cluster; returns how many words it used, or a problem.
function scanCluster(
  command: string,
  word: ShellWord,
  next: ShellWord | undefined,
  grammar: OptionGrammar,
  record: (option: string, value: ShellWord) => void,
): number | string {
  const text = word.text;
  for (let j = 1; j < text.length; j += 1) {
    const letter = text[j] ?? '';
    if (grammar.flags?.includes(letter)) continue;
    if (grammar.attached?.includes(letter)) {
      record(letter, { ...word, text: text.slice(j + 1) });
      return 1;
    }
    if (grammar.valued?.includes(letter)) {
      if (j + 1 < text.length) {
        record(letter, { ...word, text: text.slice(j + 1) });
        return 1;
      }
      if (next !== undefined) record(letter, next);
      return 2;
    }
    return `unknown option -${letter} of ${command}`;
  }
  return 1;
}
