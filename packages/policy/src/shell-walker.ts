import type { ShellCommand, ShellRedirect } from './shell-command.js';
import { type Launch, launchesOf } from './shell-launches.js';
import { countOperators, SHELL_LIMITS } from './shell-limits.js';
import { type ShellNode, withShellTree } from './shell-parser.js';
import { REDIRECTS, type RedirectResult, type RedirectWalker, readRedirect } from './shell-redirections.js';
import { INHERITED, PIPE, type Scope, type Stdin } from './shell-scope.js';
import { basename, CONTAINERS, EXPRESSIONS, literal, quoteForDisplay } from './shell-syntax.js';
import { type ShellWord, unescapeBackquoted, wordOf } from './shell-words.js';

const MAX_PROBLEMS = 8;
const NOT_PARSED = 'does not parse as a complete shell command line';

// Only printable ASCII: look-alike letters and invisible characters can't hide a command name.
const PLAIN_NAME = /^[\x21-\x7e]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

/** Walks bash syntax trees, collecting every command that would run and every file redirection. */
export class ShellWalker implements RedirectWalker {
  /** One entry per command (and per bare assignment or redirection), in order, with its rendering. */
  readonly entries: { command: ShellCommand | null; text: string }[] = [];
  readonly redirects: ShellRedirect[] = [];
  readonly streams: string[] = [];
  readonly assignments: string[] = [];
  readonly problems: string[] = [];
  complete = true;
  #nodes = 0;
  #parsed = 0;
  #commands = 0;

  /** Parses and walks one script (the command line, or text a command runs). */
  script(text: string, scope: Scope): void {
    const over =
      scope.scripts > SHELL_LIMITS.scripts
        ? 'scripts nested too deeply'
        : text.length > SHELL_LIMITS.text
          ? `longer than ${SHELL_LIMITS.text} characters`
          : this.#parsed + text.length > SHELL_LIMITS.parsed
            ? 'too much nested script text'
            : countOperators(text) > SHELL_LIMITS.operators
              ? `more than ${SHELL_LIMITS.operators} operators`
              : null;
    if (over !== null) {
      this.problem(over);
      return;
    }
    this.#parsed += text.length;
    // bash reads a carriage return (or another control character) as part of a word; the grammar
    // treats some as blanks. Where the two could disagree, the analysis can't be trusted.
    if (CONTROL.test(text)) this.problem('contains control characters');
    // bash deletes a backslash-newline even inside a word (`r\<newline>m` is `rm`); the grammar
    // reads it as a blank there, so such a word can't be trusted.
    if (/[^\s\\]\\\n[^\s]/.test(text)) this.problem('a line continuation inside a word');
    const walked = withShellTree(text, (root) => {
      if (root.hasError) this.problem(NOT_PARSED);
      // One call, so an over-large tree is refused before any of it is walked.
      if (root.descendantCount > SHELL_LIMITS.nodes) this.problem(`more than ${SHELL_LIMITS.nodes} syntax nodes`);
      else this.node(root, scope, 0);
      return true;
    });
    if (walked === 'syntax_error') this.problem(NOT_PARSED);
    if (walked === 'too_costly') this.problem('too costly to parse');
  }

  problem(text: string): void {
    this.complete = false;
    // Problems quote the input; keep them short.
    const short = text.length > 120 ? `${text.slice(0, 119)}…` : text;
    if (this.problems.length < MAX_PROBLEMS && !this.problems.includes(short)) this.problems.push(short);
  }

  node(node: ShellNode, scope: Scope, depth: number): void {
    if (++this.#nodes > SHELL_LIMITS.nodes) {
      this.problem(`more than ${SHELL_LIMITS.nodes} syntax nodes`);
      return;
    }
    if (depth > SHELL_LIMITS.depth) {
      this.problem('nested too deeply');
      return;
    }
    const type = node.type;
    switch (type) {
      case 'command':
        this.command(node, scope, depth, { extra: [], stdin: null, rendered: [] });
        break;
      case 'redirected_statement':
        this.redirected(node, scope, depth);
        break;
      case 'pipeline':
        this.pipeline(node, scope, depth);
        break;
      case 'variable_assignment':
        this.part(this.assignment(node, scope, depth));
        break;
      case 'declaration_command':
      case 'unset_command':
        this.declaration(node, scope, depth);
        break;
      case 'function_definition':
        this.functionDefinition(node, scope, depth);
        break;
      case 'for_statement':
        this.forStatement(node, scope, depth);
        break;
      case 'file_redirect':
      case 'heredoc_redirect':
      case 'herestring_redirect': {
        const rendered: string[] = [];
        this.redirect(node, scope, depth, rendered);
        this.part(rendered.join(' '));
        break;
      }
      case 'comment':
        break;
      default:
        if (CONTAINERS.has(type)) this.children(node, scope, depth);
        else if (EXPRESSIONS.has(type)) this.expression(node, scope, depth);
        else {
          if (type !== 'ERROR') this.problem(`unsupported shell syntax: ${type}`);
          // Still look inside, so a deny rule sees whatever commands can be made out.
          this.children(node, scope, depth);
        }
    }
  }

  children(node: ShellNode, scope: Scope, depth: number): void {
    for (const child of node.namedChildren) this.node(child, scope, depth + 1);
  }

  /** A value: runs nothing itself, but may contain substitutions that do. */
  expression(node: ShellNode, scope: Scope, depth: number): void {
    if (depth > SHELL_LIMITS.depth) {
      this.problem('nested too deeply');
      return;
    }
    if (node.type === 'command_substitution') {
      this.substitution(node, scope, depth);
      return;
    }
    if (node.type === 'process_substitution') {
      const label = node.text.startsWith('>') ? '>(…)' : '<(…)';
      const stdin = label === '>(…)' ? PIPE : scope.stdin;
      this.children(node, { ...scope, via: [...scope.via, label], stdin }, depth);
      return;
    }
    for (const child of node.namedChildren) {
      if (++this.#nodes > SHELL_LIMITS.nodes) {
        this.problem(`more than ${SHELL_LIMITS.nodes} syntax nodes`);
        return;
      }
      this.expression(child, scope, depth + 1);
    }
  }

  // Inside backquotes bash removes one level of backslashes and parses the text again, so a nested
  // `\`…\`` is a command too: parse it the same way rather than trusting the grammar's reading.
  substitution(node: ShellNode, scope: Scope, depth: number): void {
    const text = node.text;
    if (text.startsWith('`')) {
      const body = unescapeBackquoted(text.slice(1, text.endsWith('`') && text.length > 1 ? -1 : undefined));
      this.script(body, { ...scope, via: [...scope.via, '`…`'], scripts: scope.scripts + 1 });
      return;
    }
    this.children(node, { ...scope, via: [...scope.via, '$(…)'] }, depth);
  }

  word(node: ShellNode, scope: Scope, depth: number): ShellWord {
    return wordOf(node, (inner) => this.expression(inner, scope, depth + 1));
  }

  command(node: ShellNode, scope: Scope, depth: number, outer: Redirections, slot = this.reserve()): void {
    const assignments: string[] = [];
    const words: ShellWord[] = [];
    const rendered: string[] = [];
    let ownStdin = outer.stdin;
    let named = false;
    for (const child of node.children) {
      const type = child.type;
      if (!child.isNamed) {
        // `$"…"` parses as a bare `$` before a string; `==`/`=~` are plain words to `[`.
        if (type === '==' || type === '=~') words.push(literal(type));
        else if (type !== '$') this.problem(`unsupported shell syntax: ${JSON.stringify(child.text)}`);
        continue;
      }
      if (type === 'variable_assignment') assignments.push(this.assignment(child, scope, depth + 1));
      else if (REDIRECTS.has(type)) {
        const result = this.redirect(child, scope, depth + 1, rendered);
        words.push(...result.extra);
        ownStdin = result.stdin ?? ownStdin;
      } else if (type === 'command_name') {
        named = true;
        const first = child.namedChildren[0];
        words.unshift(first === undefined ? literal('') : this.word(first, scope, depth + 1));
      } else if (type === 'comment') {
        // A comment can't be part of a command; the grammar attaches some that way.
      } else words.push(this.word(child, scope, depth + 1));
    }
    words.push(...outer.extra);
    rendered.push(...outer.rendered);
    const effectiveStdin = ownStdin ?? scope.stdin;
    if (!named) {
      this.entries[slot] = { command: null, text: [...assignments, ...rendered].join(' ') };
      return;
    }
    this.run(slot, words, assignments, rendered, { ...scope, stdin: effectiveStdin }, false);
  }

  /** Records a command given as words (words[0] is the command word) and what it launches. */
  run(
    slot: number,
    words: readonly ShellWord[],
    assignments: readonly string[],
    redirects: readonly string[],
    scope: Scope,
    argsFromInput: boolean,
  ): void {
    const commandWord = words[0] ?? literal('');
    const args = words.slice(1);
    if (commandWord.dynamic) this.problem(`command name known only at run time: ${commandWord.text}`);
    if (!PLAIN_NAME.test(commandWord.text)) {
      this.problem(`command name with characters other than printable ASCII: ${JSON.stringify(commandWord.text)}`);
    }
    const name = basename(commandWord.text);
    const shown = [
      ...assignments,
      quoteForDisplay(name),
      ...args.map((w) => (w.dynamic ? w.text : quoteForDisplay(w.text))),
    ];
    const command: ShellCommand = {
      name,
      path: commandWord.text,
      args: args.map((w) => w.text),
      dynamic_args: argsFromInput || args.some((w) => w.dynamic),
      assignments,
      via: scope.via,
    };
    this.fill(slot, command, [...shown, ...redirects].join(' '));
    if (scope.scripts > SHELL_LIMITS.scripts) {
      this.problem('commands nested too deeply');
      return;
    }
    // Arguments fed by xargs or find come after the written ones: unknown words.
    const launchArgs = argsFromInput ? [...args, { text: '{input}', dynamic: true, processSubstitution: false }] : args;
    for (const launch of launchesOf(name, launchArgs)) this.launch(launch, scope);
  }

  launch(launch: Launch, scope: Scope): void {
    const inner = { ...scope, via: [...scope.via, 'via' in launch ? launch.via : ''], scripts: scope.scripts + 1 };
    switch (launch.kind) {
      case 'command':
        for (const assignment of launch.assignments)
          this.assignments.push(assignment.slice(0, assignment.indexOf('=')));
        this.run(this.reserve(), launch.words, launch.assignments, [], inner, launch.argsFromInput);
        return;
      case 'script':
        if (launch.word.dynamic) this.problem(`${launch.via} runs text known only at run time: ${launch.word.text}`);
        else this.script(launch.word.text, { ...inner, stdin: INHERITED });
        return;
      case 'stdin_script':
        this.stdinScript(launch.via, inner);
        return;
      case 'problem':
        this.problem(launch.problem);
        return;
    }
  }

  // A shell reading commands from its standard input runs whatever arrives there.
  stdinScript(via: string, scope: Scope): void {
    const stdin = scope.stdin;
    if (stdin.kind === 'pipe') {
      this.problem(`${via} runs commands read from a pipe`);
      return;
    }
    if (stdin.kind === 'dynamic') {
      this.problem(`${via} runs commands known only at run time`);
      return;
    }
    if (stdin.kind === 'text') this.script(stdin.text, { ...scope, stdin: INHERITED });
  }

  redirected(node: ShellNode, scope: Scope, depth: number): void {
    const body = node.childForFieldName('body');
    // Reserved first so the command is listed before what its redirections run.
    const slot = body?.type === 'command' ? this.reserve() : -1;
    const extra: ShellWord[] = [];
    const rendered: string[] = [];
    let stdin: Stdin | null = null;
    for (const child of node.namedChildren) {
      if (!REDIRECTS.has(child.type)) continue;
      const result = this.redirect(child, scope, depth + 1, rendered);
      extra.push(...result.extra);
      stdin = result.stdin ?? stdin;
    }
    if (body === null) {
      this.part(rendered.join(' '));
      return;
    }
    if (body.type === 'command') {
      this.command(body, scope, depth + 1, { extra, stdin, rendered }, slot);
      return;
    }
    if (extra.length > 0) this.problem('words after a redirection of a compound command');
    this.node(body, stdin === null ? scope : { ...scope, stdin }, depth + 1);
    this.part(rendered.join(' '));
  }

  pipeline(node: ShellNode, scope: Scope, depth: number): void {
    // In a pipeline every command after the first reads the previous one's output.
    let first = !(node.children[0]?.type === '|' || node.children[0]?.type === '|&');
    for (const child of node.namedChildren) {
      this.node(child, first ? scope : { ...scope, stdin: PIPE }, depth + 1);
      first = false;
    }
  }

  /** Records a redirection; returns the words wrongly attached to it and what it makes stdin. */
  redirect(node: ShellNode, scope: Scope, depth: number, rendered: string[]): RedirectResult {
    return readRedirect(this, node, scope, depth, rendered);
  }

  assignment(node: ShellNode, scope: Scope, depth: number): string {
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (name !== null) this.expression(name, scope, depth + 1);
    const nameText = name?.text ?? '';
    this.assignments.push(nameText);
    const valueText = value === null ? '' : this.word(value, scope, depth + 1).text;
    return `${nameText}=${valueText}`;
  }

  declaration(node: ShellNode, scope: Scope, depth: number): void {
    const slot = this.reserve();
    const keyword = node.children[0]?.text ?? '';
    const args: string[] = [];
    let dynamic = false;
    for (const child of node.namedChildren) {
      if (child.type === 'variable_assignment') args.push(this.assignment(child, scope, depth + 1));
      else if (child.type === 'variable_name') {
        args.push(child.text);
        this.assignments.push(child.text);
      } else {
        const word = this.word(child, scope, depth + 1);
        dynamic ||= word.dynamic;
        args.push(word.text);
      }
    }
    const command = { name: keyword, path: keyword, args, dynamic_args: dynamic, assignments: [], via: scope.via };
    this.fill(slot, command, [keyword, ...args].join(' '));
  }

  functionDefinition(node: ShellNode, scope: Scope, depth: number): void {
    const name = node.childForFieldName('name')?.text ?? '';
    const inner = { ...scope, via: [...scope.via, `function ${name}`] };
    // The body is analysed whether or not the function is called: what it could run counts.
    for (const child of node.namedChildren) {
      if (child.type === 'word') continue;
      if (REDIRECTS.has(child.type)) {
        const rendered: string[] = [];
        this.redirect(child, inner, depth + 1, rendered);
        this.part(rendered.join(' '));
      } else this.node(child, inner, depth + 1);
    }
  }

  forStatement(node: ShellNode, scope: Scope, depth: number): void {
    for (const child of node.namedChildren) {
      if (child.type === 'variable_name') this.assignments.push(child.text);
      else this.node(child, scope, depth + 1);
    }
  }

  reserve(): number {
    return this.entries.push({ command: null, text: '' }) - 1;
  }

  fill(slot: number, command: ShellCommand, rendered: string): void {
    if (++this.#commands > SHELL_LIMITS.commands) {
      this.problem(`more than ${SHELL_LIMITS.commands} commands`);
      return;
    }
    this.entries[slot] = { command, text: rendered };
  }

  part(text: string): void {
    if (text !== '') this.entries.push({ command: null, text });
  }
}

interface Redirections {
  /** Words the grammar attached to a redirection that are really arguments. */
  readonly extra: readonly ShellWord[];
  /** What the redirections make standard input, if anything. */
  readonly stdin: Stdin | null;
  readonly rendered: readonly string[];
}

/** A scope for a top-level command line. */
export const TOP_SCOPE: Scope = { via: [], stdin: INHERITED, scripts: 0 };
