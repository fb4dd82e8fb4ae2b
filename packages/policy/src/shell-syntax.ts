import type { ShellWord } from './shell-words.js';

// Nodes whose named children are statements or expressions, walked generically.
export const CONTAINERS = new Set([
  'program',
  'list',
  'subshell',
  'compound_statement',
  'do_group',
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
  'case_statement',
  'case_item',
  'negated_command',
  'c_style_for_statement',
  'test_command',
  'variable_assignments',
]);

// Nodes that are values: they run nothing themselves but may hold substitutions.
export const EXPRESSIONS = new Set([
  'word',
  'string',
  'raw_string',
  'ansi_c_string',
  'translated_string',
  'concatenation',
  'number',
  'simple_expansion',
  'expansion',
  'arithmetic_expansion',
  'command_substitution',
  'process_substitution',
  'binary_expression',
  'unary_expression',
  'ternary_expression',
  'postfix_expression',
  'parenthesized_expression',
  'variable_name',
  'special_variable_name',
  'test_operator',
  'regex',
  'extglob_pattern',
  'brace_expression',
  'subscript',
  'array',
  'string_content',
  'heredoc_body',
  'heredoc_content',
  'heredoc_start',
  'heredoc_end',
  'file_descriptor',
  'command_name',
]);

// Shown in single quotes unless made only of characters that are never special to the shell.
export function quoteForDisplay(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./~^{}-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** The bodies of the unescaped `…` pairs in a text; an unclosed one runs to the end. */
export function backquotedSegments(text: string): string[] {
  const segments: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\') i += 1;
    else if (ch === '`') {
      if (start < 0) start = i + 1;
      else {
        segments.push(text.slice(start, i));
        start = -1;
      }
    }
  }
  if (start >= 0) segments.push(text.slice(start));
  return segments;
}

export function basename(word: string): string {
  const trimmed = word.replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return base === '' ? word : base;
}

export function literal(text: string): ShellWord {
  return { text, dynamic: false, processSubstitution: false };
}
