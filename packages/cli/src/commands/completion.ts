import { Argument, type Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { App } from '../app.js';
import type { Context } from '../context.js';

interface OptionSpec {
  flags: string[];
  description: string;
  takesValue: boolean;
}

interface CommandSpec {
  name: string;
  description: string;
  options: string[];
  optionSpecs: OptionSpec[];
  subcommands: CommandSpec[];
}

const NAMES = ['faramesh', 'faracore'];

function describe(cmd: CommandUnknownOpts): CommandSpec[] {
  return cmd.commands
    .filter((sub) => sub.name() !== 'help')
    .flatMap((sub) => {
      const spec = {
        description: sub.description(),
        options: sub.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)),
        optionSpecs: sub.options.map((o) => ({
          flags: [o.long, o.short].filter((f): f is string => f !== undefined),
          description: o.description,
          takesValue: o.required || o.optional,
        })),
        subcommands: describe(sub),
      };
      return [sub.name(), ...sub.aliases()].map((name) => ({ name, ...spec }));
    });
}

function globalOptions(program: CommandUnknownOpts): string[] {
  return [...program.options.flatMap((o) => [o.long].filter((f): f is string => f !== undefined)), '--help'];
}

/** A bash completion script generated from the command tree, so it never drifts from the CLI. */
export function bashScript(program: CommandUnknownOpts): string {
  const commands = describe(program);
  const globals = globalOptions(program).join(' ');
  const cases = commands
    .map((c) => {
      const words = [...c.subcommands.map((s) => s.name), ...c.options, '--help'].join(' ');
      return `    ${c.name}) words="${words} ${globals}" ;;`;
    })
    .join('\n');
  return `# bash completion for faramesh / faracore
# Load it now:   source <(faramesh completion bash)
# Or for good:   faramesh completion bash > ~/.local/share/bash-completion/completions/faramesh
_faramesh() {
  local cur cmd i word
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --host|--port|--token) ((i++)) ;;
      -*) ;;
      *) cmd="$word"; break ;;
    esac
  done
  local words
  case "$cmd" in
    "") words="${commands.map((c) => c.name).join(' ')} ${globals} --version" ;;
${cases}
    *) words="${globals}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _faramesh ${NAMES.join(' ')}
`;
}

/** A zsh completion script (works sourced or installed in $fpath as _faramesh). */
export function zshScript(program: CommandUnknownOpts): string {
  const commands = describe(program);
  const esc = (text: string): string => text.replace(/[[\]]/g, '').replace(/:/g, '\\:').replace(/'/g, "'\\''");
  const globals = program.options
    .filter((o) => o.long)
    .map((o) => `'${o.long}[${esc(o.description)}]${o.required || o.optional ? ':value:' : ''}'`)
    .join(' \\\n    ');
  const cases = commands
    .map((c) => {
      if (c.subcommands.length > 0) {
        const subs = c.subcommands.map((sub) => `'${sub.name}[${esc(sub.description)}]'`).join(' ');
        return `      ${c.name}) _values 'subcommand' ${subs} ;;`;
      }
      const opts = c.optionSpecs.flatMap((o) =>
        o.flags.map((flag) => `'${flag}[${esc(o.description)}]${o.takesValue ? ':value:' : ''}'`),
      );
      return `      ${c.name}) _arguments ${[...opts, "'*:file:_files'"].join(' ')} ;;`;
    })
    .join('\n');
  const list = commands.map((c) => `    '${c.name}:${esc(c.description)}'`).join('\n');
  return `#compdef ${NAMES.join(' ')}
# zsh completion for faramesh / faracore
# Load it now:   source <(faramesh completion zsh)
# Or for good:   faramesh completion zsh > "\${fpath[1]}/_faramesh"
_faramesh() {
  local -a commands
  commands=(
${list}
  )
  local state
  _arguments -C \\
    ${globals} \\
    '1:command:->command' \\
    '*::argument:->argument'
  case $state in
    command) _describe 'command' commands ;;
    argument)
      case $words[1] in
${cases}
      *) _files ;;
      esac
      ;;
  esac
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _faramesh "$@"
else
  compdef _faramesh ${NAMES.join(' ')}
fi
`;
}

/** `completion bash|zsh`: prints the completion script. */
export async function completion(ctx: Context, program: CommandUnknownOpts, shell: 'bash' | 'zsh'): Promise<number> {
  ctx.io.stdout.write(shell === 'bash' ? bashScript(program) : zshScript(program));
  return 0;
}

export function registerCompletion(program: Command, app: App): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(faramesh completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh'] as const))
    .action(async (shell, _opts, cmd) => {
      app.exitCode = await completion(app.context(cmd), program, shell);
    });
}
