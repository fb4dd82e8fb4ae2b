import type { ShellRedirect } from './shell-command.js';
import type { ShellNode } from './shell-parser.js';
import { PIPE, type Scope, type Stdin } from './shell-scope.js';
import { backquotedSegments, literal } from './shell-syntax.js';
import { type ShellWord, unescapeBackquoted, unescapeHereDoc } from './shell-words.js';

export const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const WRITE_OPERATORS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
const FD_TARGET = /^(\d+-?|-)$/;

/** The words the grammar attached to a redirection that are really arguments, and what it makes stdin. */
export interface RedirectResult {
  extra: ShellWord[];
  stdin: Stdin | null;
}

/** What reading a redirection needs from the walk: words, nested scripts, and where to record. */
export interface RedirectWalker {
  readonly redirects: ShellRedirect[];
  /** Redirections that aren't files, as written (ShellAnalysis.streams). */
  readonly streams: string[];
  word(node: ShellNode, scope: Scope, depth: number): ShellWord;
  expression(node: ShellNode, scope: Scope, depth: number): void;
  script(text: string, scope: Scope): void;
  node(node: ShellNode, scope: Scope, depth: number): void;
  redirect(node: ShellNode, scope: Scope, depth: number, rendered: string[]): RedirectResult;
}

/** Records a redirection; returns the words wrongly attached to it and what it makes stdin. */
export function readRedirect(
  walker: RedirectWalker,
  node: ShellNode,
  scope: Scope,
  depth: number,
  rendered: string[],
): RedirectResult {
  if (node.type === 'heredoc_redirect') return hereDoc(walker, node, scope, depth, rendered);
  const operatorNode = node.children.find((c) => !c.isNamed);
  const descriptor = node.children.find((c) => c.type === 'file_descriptor')?.text ?? '';
  const operator = `${descriptor}${operatorNode?.text ?? ''}`;
  const targets = node.namedChildren.filter((c) => c.type !== 'file_descriptor');
  const words = targets.map((target) => walker.word(target, scope, depth + 1));
  if (node.type === 'herestring_redirect') {
    const word = words[0] ?? literal('');
    rendered.push(`<<< ${word.text}`);
    walker.streams.push(`${descriptor}<<< ${word.dynamic ? '(dynamic) ' : ''}${word.text}`);
    return { extra: words.slice(1), stdin: word.dynamic ? { kind: 'dynamic' } : { kind: 'text', text: word.text } };
  }
  const target = words[0];
  if (target === undefined) {
    // A close with no word after it (`2>&-`, `<&-`: one operator to the grammar).
    if (operator !== '') walker.streams.push(operator);
    return { extra: [], stdin: null };
  }
  rendered.push(`${operator} ${target.text}`);
  // The grammar attaches words after a redirection's target to it; bash passes them as arguments.
  const extra = words.slice(1);
  const op = operatorNode?.text ?? '';
  if ((op === '>&' || op === '<&') && FD_TARGET.test(target.text)) {
    walker.streams.push(`${operator}${target.text}`);
    return { extra, stdin: null };
  }
  const writes = WRITE_OPERATORS.has(op) || op === '>&';
  walker.redirects.push({ operator, target: target.text, writes, dynamic: target.dynamic });
  const readsStdin = (op === '<' || op === '<&') && (descriptor === '' || descriptor === '0');
  if (!readsStdin) return { extra, stdin: null };
  return { extra, stdin: target.processSubstitution ? PIPE : { kind: 'file' } };
}

function hereDoc(
  walker: RedirectWalker,
  node: ShellNode,
  scope: Scope,
  depth: number,
  rendered: string[],
): { extra: ShellWord[]; stdin: Stdin } {
  const start = node.children.find((c) => c.type === 'heredoc_start')?.text ?? '';
  const body = node.children.find((c) => c.type === 'heredoc_body');
  const operator = node.children.find((c) => c.type === '<<' || c.type === '<<-')?.text ?? '<<';
  rendered.push(`${operator} ${start}`);
  let stdin: Stdin = { kind: 'text', text: '' };
  if (body !== undefined) {
    const quoted = /['"\\]/.test(start);
    const expands = !quoted && body.namedChildren.some((c) => c.type !== 'heredoc_content');
    const hereScope = { ...scope, via: [...scope.via, 'here-doc'] };
    if (expands) walker.expression(body, hereScope, depth + 1);
    // The grammar doesn't see `…` in a here-document; bash runs it: parse each one.
    const backquoted = quoted ? [] : backquotedSegments(body.text);
    for (const segment of backquoted) {
      walker.script(unescapeBackquoted(segment), {
        ...hereScope,
        via: [...hereScope.via, '`…`'],
        scripts: scope.scripts + 1,
      });
    }
    let text = quoted ? body.text : unescapeHereDoc(body.text);
    if (operator === '<<-') text = text.replace(/^\t+/gm, '');
    const dynamic = expands || backquoted.length > 0;
    stdin = dynamic ? { kind: 'dynamic' } : { kind: 'text', text };
    // What it feeds the command: its text, or (expanded at run time) its source.
    walker.streams.push(`${operator} ${dynamic ? `(dynamic) ${body.text}` : text}`);
  } else {
    walker.streams.push(`${operator} ${start}`);
  }
  // The grammar hangs the rest of the here-document's line on it: arguments of the command,
  // more redirections, and statements after it (`cat <<EOF | sh`, `cat <<EOF && rm x`).
  const extra = node.childrenForFieldName('argument').map((arg) => walker.word(arg, scope, depth + 1));
  for (const child of node.namedChildren) {
    const type = child.type;
    if (type === 'heredoc_start' || type === 'heredoc_body' || type === 'heredoc_end') continue;
    if (REDIRECTS.has(type)) extra.push(...walker.redirect(child, scope, depth + 1, rendered).extra);
    else if (!node.childrenForFieldName('argument').some((arg) => arg.equals(child)))
      walker.node(child, scope, depth + 1);
  }
  return { extra, stdin };
}
