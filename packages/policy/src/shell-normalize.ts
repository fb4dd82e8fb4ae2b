/**
 * Normalizes a shell command line so that quoting and spelling tricks can't slip past `contains` and
 * `pattern` rules: `r'm' -rf   /`, `"rm" -rf /` and `/bin/rm -rf /` all become `rm -rf /`.
 *
 * It tokenizes with POSIX quoting rules (single quotes, double quotes, backslashes, bash's `$'..'`),
 * joins words with one space, keeps control operators as ` ; `, ` && `, ` || `, ` | `, ` & `
 * (a newline becomes ` ; `), drops comments, and reduces the command word of each simple command
 * to its basename. It never fails: unterminated quotes run to the end of the input.
 */
export function normalizeShellCommand(command: string): string {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let commandPosition = true;
  let i = 0;

  const endWord = (): void => {
    if (!inWord) return;
    out.push(commandPosition ? commandWord(word) : word === '' ? "''" : word);
    if (commandPosition && !isAssignment(word) && !WRAPPERS.has(word)) commandPosition = false;
    word = '';
    inWord = false;
  };
  const operator = (text: string, resetsCommand: boolean): void => {
    endWord();
    out.push(text);
    if (resetsCommand) commandPosition = true;
  };

  while (i < command.length) {
    const ch = command[i] ?? '';
    const next = command[i + 1] ?? '';
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i += 1;
    } else if (ch === '\n') {
      operator(';', true);
      i += 1;
    } else if (ch === '\\') {
      // Backslash-newline is a line continuation: it joins lines without making a word.
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else if (ch === "'") {
      const close = indexOrEnd(command, "'", i + 1);
      word += command.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (ch === '$' && next === "'") {
      const read = readAnsiC(command, i + 2);
      word += read.text;
      inWord = true;
      i = read.end;
    } else if (ch === '"' || (ch === '$' && next === '"')) {
      const read = readDoubleQuoted(command, ch === '$' ? i + 2 : i + 1);
      word += read.text;
      inWord = true;
      i = read.end;
    } else if (ch === '#' && !inWord) {
      i = indexOrEnd(command, '\n', i);
    } else if (ch === ';' || ch === '&' || ch === '|') {
      const doubled = next === ch && ch !== ';';
      operator(doubled ? ch + ch : ch === '|' && next === '&' ? '|' : ch, true);
      i += doubled || (ch === '|' && next === '&') ? 2 : 1;
    } else if (ch === '(' || ch === ')') {
      operator(ch, ch === '(');
      i += 1;
    } else if (ch === '>' || ch === '<') {
      const doubled = next === ch || next === '&';
      operator(doubled ? ch + next : ch, false);
      i += doubled ? 2 : 1;
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  endWord();
  return out.join(' ');
}

// Commands that run their argument as a command: the word after them is a command word too.
const WRAPPERS: ReadonlySet<string> = new Set([
  'sudo',
  'doas',
  'env',
  'exec',
  'command',
  'builtin',
  'nohup',
  'nice',
  'time',
  'xargs',
]);

function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

function commandWord(word: string): string {
  if (word === '') return "''";
  if (isAssignment(word) || !word.includes('/')) return word;
  const trimmed = word.replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return base === '' ? word : base;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const found = text.indexOf(needle, from);
  return found < 0 ? text.length : found;
}

// Inside double quotes a backslash escapes only $ ` " \ and newline; elsewhere it is literal.
function readDoubleQuoted(text: string, start: number): { text: string; end: number } {
  let result = '';
  let i = start;
  while (i < text.length && text[i] !== '"') {
    const ch = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (ch === '\\' && '$`"\\\n'.includes(next) && next !== '') {
      if (next !== '\n') result += next;
      i += 2;
    } else {
      result += ch;
      i += 1;
    }
  }
  return { text: result, end: i + 1 };
}

const ANSI_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

// bash's $'...': C escapes, \xHH, \NNN octal, \uHHHH and \UHHHHHHHH.
function readAnsiC(text: string, start: number): { text: string; end: number } {
  let result = '';
  let i = start;
  while (i < text.length && text[i] !== "'") {
    const ch = text[i] ?? '';
    if (ch !== '\\') {
      result += ch;
      i += 1;
      continue;
    }
    const rest = text.slice(i + 1);
    const simple = ANSI_ESCAPES[rest[0] ?? ''];
    const numeric = /^(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3})/.exec(rest);
    if (numeric !== null) {
      const digits = numeric[0];
      const code = /^[0-7]/.test(digits) ? Number.parseInt(digits, 8) : Number.parseInt(digits.slice(1), 16);
      result += code <= 0x10ffff ? String.fromCodePoint(code) : '';
      i += 1 + digits.length;
    } else if (simple !== undefined) {
      result += simple;
      i += 2;
    } else {
      result += `\\${rest[0] ?? ''}`;
      i += 2;
    }
  }
  return { text: result, end: i + 1 };
}
