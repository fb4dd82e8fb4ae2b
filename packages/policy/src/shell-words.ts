import { decodeAnsiC } from './ansi-c-string.js';
import type { ShellNode } from './shell-parser.js';

/** One shell word after quote removal, as bash would see it before running the command. */
export interface ShellWord {
  /** The value; an expansion whose value is unknown stays in it as written (`$HOME`, `$(date)`). */
  readonly text: string;
  /** True when the value is only known at run time: an expansion, an unquoted glob or a brace expansion. */
  readonly dynamic: boolean;
  /** True when the word contains `<(…)`/`>(…)`: a path to another command's input or output. */
  readonly processSubstitution: boolean;
}

/** Called for every expansion inside a word, so the analyzer finds the commands nested in it. */
export type ExpansionVisitor = (node: ShellNode) => void;

// Quoted or escaped characters are masked out of the brace/glob check: only unquoted ones expand.
const MASK = '\u0001';
const BRACE_EXPANSION = /\{[^{}]*(?:,|\.\.)[^{}]*\}/;
const GLOB = /[*?[]/;

class WordBuilder {
  text = '';
  mask = '';
  dynamic = false;
  processSubstitution = false;

  quoted(value: string): void {
    this.text += value;
    this.mask += MASK.repeat(value.length);
  }

  unquoted(raw: string): void {
    for (let i = 0; i < raw.length; i += 1) {
      const ch = raw[i] ?? '';
      if (ch !== '\\') {
        this.text += ch;
        this.mask += ch;
      } else if (i + 1 < raw.length) {
        i += 1;
        // Backslash-newline is a line continuation: it disappears.
        if (raw[i] !== '\n') this.quoted(raw[i] ?? '');
      }
    }
  }

  expansion(source: string): void {
    this.text += source;
    this.mask += MASK.repeat(source.length);
    this.dynamic = true;
  }

  finish(): ShellWord {
    const expands = GLOB.test(this.mask) || BRACE_EXPANSION.test(this.mask);
    return { text: this.text, dynamic: this.dynamic || expands, processSubstitution: this.processSubstitution };
  }
}

/** The value of a word-like node (word, quoted string, concatenation, expansion…). */
export function wordOf(node: ShellNode, visit: ExpansionVisitor): ShellWord {
  const builder = new WordBuilder();
  addPart(node, builder, visit);
  return builder.finish();
}

function addPart(node: ShellNode, builder: WordBuilder, visit: ExpansionVisitor): void {
  switch (node.type) {
    case 'word':
    case 'number':
      builder.unquoted(node.text);
      return;
    case 'raw_string':
      builder.quoted(node.text.slice(1, -1));
      return;
    case 'ansi_c_string':
      builder.quoted(decodeAnsiC(node.text.slice(2, -1)));
      return;
    case 'string':
    case 'translated_string':
      addDoubleQuoted(node, builder, visit);
      return;
    case 'concatenation':
      for (const child of node.children) {
        // `$"…"` (locale translation) parses as a bare `$` token before the string: it adds nothing.
        if (child.isNamed) addPart(child, builder, visit);
        else if (child.type !== '$') builder.unquoted(child.text);
      }
      return;
    case 'process_substitution':
      visit(node);
      builder.expansion(node.text);
      builder.processSubstitution = true;
      return;
    default:
      visit(node);
      builder.expansion(node.text);
  }
}

// The text between named children (quotes aside) is literal too, so it is read by offsets.
function addDoubleQuoted(node: ShellNode, builder: WordBuilder, visit: ExpansionVisitor): void {
  const start = node.startIndex;
  const source = node.text;
  let at = node.text.startsWith('$') ? 2 : 1;
  const end = source.length - (source.endsWith('"') ? 1 : 0);
  for (const child of node.namedChildren) {
    const from = child.startIndex - start;
    if (from > at) builder.quoted(unescapeDoubleQuoted(source.slice(at, from)));
    if (child.type === 'string_content') builder.quoted(unescapeDoubleQuoted(child.text));
    else {
      visit(child);
      builder.expansion(child.text);
    }
    at = child.endIndex - start;
  }
  if (end > at) builder.quoted(unescapeDoubleQuoted(source.slice(at, end)));
}

/** Inside double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and newline. */
export function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_, ch: string) => (ch === '\n' ? '' : ch));
}

/** In an unquoted here-document, a backslash escapes only `$`, `` ` ``, `\` and newline. */
export function unescapeHereDoc(text: string): string {
  return text.replace(/\\([$`\\\n])/g, (_, ch: string) => (ch === '\n' ? '' : ch));
}

/** Inside backquotes a backslash escapes only `$`, `` ` `` and `\`; the result is parsed again. */
export function unescapeBackquoted(text: string): string {
  return text.replace(/\\([$`\\])/g, '$1');
}
