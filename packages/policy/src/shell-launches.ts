import { type OptionGrammar, scanOptions } from './shell-options.js';
import type { ShellWord } from './shell-words.js';

/** Something a command runs besides itself. */
export type Launch =
  /** Another command given as words (`sudo rm -rf /`: `rm -rf /`). */
  | {
      kind: 'command';
      words: readonly ShellWord[];
      via: string;
      assignments: readonly string[];
      argsFromInput: boolean;
    }
  /** Shell text it runs (`bash -c '…'`, `eval …`, `trap '…' EXIT`). */
  | { kind: 'script'; word: ShellWord; via: string }
  /** A shell that reads its commands from standard input. */
  | { kind: 'stdin_script'; via: string }
  /** It runs something the analysis can't see. */
  | { kind: 'problem'; problem: string };

/** Commands that take another command as their operands, and the options they accept before it. */
const WRAPPERS: ReadonlyMap<string, OptionGrammar> = new Map<string, OptionGrammar>([
  [
    'sudo',
    {
      flags: 'AbEeHiKklnPSsVv',
      valued: 'CDgpRrTtUu',
      long: [
        'askpass',
        'background',
        'edit',
        'help',
        'login',
        'non-interactive',
        'preserve-groups',
        'remove-timestamp',
        'reset-timestamp',
        'list',
        'set-home',
        'shell',
        'stdin',
        'validate',
        'version',
      ],
      longValued: [
        'chdir',
        'chroot',
        'close-from',
        'command-timeout',
        'group',
        'host',
        'other-user',
        'prompt',
        'role',
        'type',
        'user',
      ],
      longOptional: ['preserve-env'],
    },
  ],
  ['doas', { flags: 'nsL', valued: 'uC' }],
  [
    'env',
    {
      flags: 'i0v',
      valued: 'uCPS',
      long: ['ignore-environment', 'null', 'debug'],
      longValued: ['unset', 'chdir', 'split-string'],
      longOptional: ['block-signal', 'default-signal', 'ignore-signal', 'list-signal-handling'],
      assignments: true,
    },
  ],
  ['nice', { valued: 'n', longValued: ['adjustment'], numeric: true }],
  ['nohup', {}],
  ['stdbuf', { valued: 'ioe', longValued: ['input', 'output', 'error'] }],
  [
    'xargs',
    {
      flags: '0rtpxo',
      valued: 'adELnPsI',
      attached: 'iel',
      long: ['null', 'no-run-if-empty', 'verbose', 'interactive', 'exit', 'open-tty', 'show-limits'],
      longValued: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
      longOptional: ['replace', 'eof', 'max-lines'],
    },
  ],
  ['command', { flags: 'pvV' }],
  ['builtin', {}],
  ['exec', { flags: 'cl', valued: 'a' }],
  [
    'time',
    {
      flags: 'pvqa',
      valued: 'fo',
      long: ['verbose', 'quiet', 'append', 'portability'],
      longValued: ['format', 'output'],
    },
  ],
  ['coproc', {}],
  ['setsid', { flags: 'cfw', long: ['ctty', 'fork', 'wait'] }],
  ['unbuffer', { flags: 'p' }],
  ['busybox', {}],
]);

/** Operands a wrapper takes before the command: `timeout DURATION cmd`, `chroot NEWROOT cmd`. */
const WITH_OPERANDS: ReadonlyMap<string, { grammar: OptionGrammar; operands: number }> = new Map([
  [
    'timeout',
    {
      grammar: {
        flags: 'v',
        valued: 'sk',
        long: ['preserve-status', 'foreground', 'verbose'],
        longValued: ['signal', 'kill-after'],
      },
      operands: 1,
    },
  ],
  ['chroot', { grammar: { long: ['skip-chdir'], longValued: ['userspec', 'groups'] }, operands: 1 }],
]);

/** Interpreters of shell text: `-c TEXT` runs TEXT; without it they run a script file or standard input. */
const SHELLS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'rbash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'lksh',
  'pdksh',
  'ash',
  'yash',
  'posh',
  'fish',
]);
const SHELL_LONG = new Set([
  'debug',
  'debugger',
  'dump-po-strings',
  'dump-strings',
  'help',
  'login',
  'noediting',
  'noprofile',
  'norc',
  'posix',
  'pretty-print',
  'protected',
  'restricted',
  'verbose',
  'version',
]);
const SHELL_LONG_VALUED = new Set(['rcfile', 'init-file']);

/** Script paths that mean "read the script from standard input". */
const STDIN_PATHS = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** What `name` runs besides itself, given its argument words. Empty for ordinary commands. */
export function launchesOf(name: string, args: readonly ShellWord[]): readonly Launch[] {
  if (SHELLS.has(name)) return shellLaunch(name, args);
  const wrapper = WRAPPERS.get(name);
  if (wrapper !== undefined) return wrapped(name, args, wrapper, 0);
  const withOperands = WITH_OPERANDS.get(name);
  if (withOperands !== undefined) return wrapped(name, args, withOperands.grammar, withOperands.operands);
  switch (name) {
    case 'find':
      return findActions(args);
    case 'eval':
      return [{ kind: 'script', word: joined(args), via: 'eval' }];
    case 'watch':
      return watchLaunch(args);
    case 'trap':
      return trapLaunch(args);
    case 'alias':
      return aliasLaunches(args);
    case 'su':
      return suLaunch(args);
    case 'source':
    case '.':
      return sourceLaunch(name, args);
    default:
      return [];
  }
}

function problem(text: string): Launch[] {
  return [{ kind: 'problem', problem: text }];
}

function wrapped(name: string, args: readonly ShellWord[], grammar: OptionGrammar, operands: number): Launch[] {
  const scan = scanOptions(name, args, grammar);
  if (!scan.ok) return problem(scan.problem);
  const launches: Launch[] = [];
  // `env -S 'rm -rf /'` splits its value into a command line.
  for (const word of [...(scan.values.get('S') ?? []), ...(scan.values.get('split-string') ?? [])]) {
    launches.push({ kind: 'script', word, via: `${name} -S` });
  }
  const rest = args.slice(scan.operands);
  const dynamicOperand = rest.slice(0, operands).find((word) => word.dynamic);
  if (dynamicOperand !== undefined)
    return problem(`${name} is given a value known only at run time: ${dynamicOperand.text}`);
  const words = rest.slice(operands);
  const argsFromInput = name === 'xargs';
  if (words.length > 0)
    launches.push({ kind: 'command', words, via: name, assignments: scan.assignments, argsFromInput });
  // xargs without a command runs echo.
  else if (argsFromInput)
    launches.push({ kind: 'command', words: [literal('echo')], via: name, assignments: [], argsFromInput });
  return launches;
}

function shellLaunch(name: string, args: readonly ShellWord[]): Launch[] {
  let runsText = false;
  let readsInput = false;
  let i = 0;
  for (; i < args.length; i += 1) {
    const word = args[i] as ShellWord;
    const text = word.text;
    if (word.dynamic) return problem(`${name} is given a value known only at run time: ${text}`);
    if (text === '--' || text === '-') {
      i += 1;
      break;
    }
    if (text.startsWith('--')) {
      const option = text.slice(2);
      if (SHELL_LONG_VALUED.has(option)) i += 1;
      else if (!SHELL_LONG.has(option)) return problem(`unknown option ${text} of ${name}`);
      continue;
    }
    if (!/^[-+]./.test(text)) break;
    for (const letter of text.slice(1)) {
      if (letter === 'c') runsText = true;
      else if (letter === 's') readsInput = true;
      // `-o opt`, `+O shopt`: the option name is the next word.
      else if (letter === 'o' || letter === 'O') i += 1;
    }
  }
  const operand = args[i];
  const via = `${name} -c`;
  if (runsText) return operand === undefined ? [] : [{ kind: 'script', word: operand, via }];
  if (readsInput || operand === undefined || STDIN_PATHS.has(operand.text))
    return [{ kind: 'stdin_script', via: name }];
  if (operand.processSubstitution) return problem(`${name} runs the output of another command as a script`);
  // A script file: what it does can't be known from the command line (documented).
  return [];
}

// `find … -exec cmd args {} ;` (also -execdir, -ok, -okdir), any number of times.
function findActions(args: readonly ShellWord[]): Launch[] {
  const launches: Launch[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const action = args[i]?.text ?? '';
    if (!FIND_ACTIONS.has(action)) continue;
    let end = i + 1;
    while (end < args.length && args[end]?.text !== ';' && args[end]?.text !== '+') end += 1;
    const words = args.slice(i + 1, end);
    if (words.length > 0) {
      launches.push({ kind: 'command', words, via: `find ${action}`, assignments: [], argsFromInput: true });
    }
    i = end;
  }
  return launches;
}

// `watch cmd args` runs `sh -c "cmd args"`; with -x it runs the words directly.
function watchLaunch(args: readonly ShellWord[]): Launch[] {
  const scan = scanOptions('watch', args, {
    flags: 'bcCdegtxprw',
    valued: 'nq',
    long: [
      'beep',
      'color',
      'no-color',
      'errexit',
      'chgexit',
      'exec',
      'precise',
      'no-title',
      'no-wrap',
      'no-linewrap',
      'no-rerun',
    ],
    longValued: ['interval', 'equexit'],
    longOptional: ['differences'],
  });
  if (!scan.ok) return problem(scan.problem);
  const words = args.slice(scan.operands);
  if (words.length === 0) return [];
  const direct = args.slice(0, scan.operands).some((w) => w.text === '--exec' || /^-[a-zA-Z]*x/.test(w.text));
  if (direct) return [{ kind: 'command', words, via: 'watch', assignments: [], argsFromInput: false }];
  return [{ kind: 'script', word: joined(words), via: 'watch' }];
}

// `trap [--] ACTION SIGNAL…`: ACTION is shell text run later.
function trapLaunch(args: readonly ShellWord[]): Launch[] {
  let i = 0;
  while (i < args.length && /^-[lpP]+$/.test(args[i]?.text ?? '')) i += 1;
  if (args[i]?.text === '--') i += 1;
  const action = args[i];
  if (action === undefined || args.length - i < 2 || action.text === '-' || action.text === '') return [];
  return [{ kind: 'script', word: action, via: 'trap' }];
}

// `alias name='text'`: the text runs wherever `name` is used later.
function aliasLaunches(args: readonly ShellWord[]): Launch[] {
  return args.flatMap((word): Launch[] => {
    const eq = word.text.indexOf('=');
    if (eq < 0) return word.dynamic ? problem(`alias is given a value known only at run time: ${word.text}`) : [];
    return [{ kind: 'script', word: { ...word, text: word.text.slice(eq + 1) }, via: 'alias' }];
  });
}

// `su [options] [user]` runs a shell; `-c TEXT` (anywhere, su permutes its options) runs TEXT.
function suLaunch(args: readonly ShellWord[]): Launch[] {
  const launches: Launch[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const text = args[i]?.text ?? '';
    const next = args[i + 1];
    if (/^-[a-zA-Z]*c$/.test(text) || text === '--command' || text === '--session-command') {
      if (next !== undefined) launches.push({ kind: 'script', word: next, via: 'su -c' });
      i += 1;
    } else if (text.startsWith('--command=') || text.startsWith('--session-command=')) {
      const word = args[i] as ShellWord;
      launches.push({ kind: 'script', word: { ...word, text: text.slice(text.indexOf('=') + 1) }, via: 'su -c' });
    } else if (args[i]?.dynamic === true) {
      return problem(`su is given a value known only at run time: ${text}`);
    }
  }
  return launches;
}

// `source <(curl …)` or `. /dev/stdin` runs text the command line doesn't contain.
function sourceLaunch(name: string, args: readonly ShellWord[]): Launch[] {
  const script = args[0];
  if (script === undefined) return [];
  if (script.processSubstitution) return problem(`${name} runs the output of another command as a script`);
  if (STDIN_PATHS.has(script.text)) return [{ kind: 'stdin_script', via: name }];
  if (script.dynamic) return problem(`${name} runs a script whose path is known only at run time: ${script.text}`);
  return [];
}

/** Words joined by spaces, as `eval` and `watch` join their arguments before parsing them. */
function joined(words: readonly ShellWord[]): ShellWord {
  return {
    text: words.map((w) => w.text).join(' '),
    dynamic: words.some((w) => w.dynamic),
    processSubstitution: words.some((w) => w.processSubstitution),
  };
}

function literal(text: string): ShellWord {
  return { text, dynamic: false, processSubstitution: false };
}
