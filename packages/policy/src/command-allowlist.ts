import { compileGlob } from './glob.js';
import type { ShellAnalysis } from './shell-analysis.js';
import type { ShellCommand } from './shell-command.js';
import type { CommandAllowance } from './types.js';

/** Where writing redirections may point when a `commands:` rule doesn't say: nowhere but /dev/null. */
export const DEFAULT_REDIRECT_WRITES: readonly string[] = ['/dev/null'];

interface CompiledAllowance {
  readonly subcommands: ReadonlySet<string> | null;
  /** Single-dash words matched exactly: find's `-delete`, `-exec`. */
  readonly words: ReadonlySet<string>;
  /** Letters of forbidden short options, found anywhere in a `-abc` cluster. */
  readonly letters: ReadonlySet<string>;
  /** Names of forbidden long options; any unambiguous abbreviation (`--out` for `--output`) counts. */
  readonly longNames: readonly string[];
  /** True when arguments matter (subcommands or forbidden options): then run-time values can't be allowed. */
  readonly restricted: boolean;
}

/** A compiled `commands:` allowlist: `refusal` says why a line is not allowed, or null when it is. */
export interface CommandAllowlist {
  refusal(analysis: ShellAnalysis): string | null;
}

/** Compiles a `commands:` mapping (and `redirect_writes:` globs) once, at load. */
export function compileCommandAllowlist(
  commands: Readonly<Record<string, CommandAllowance>>,
  redirectWrites: readonly string[],
): CommandAllowlist {
  const allowed = new Map<string, CompiledAllowance>();
  for (const [name, allowance] of Object.entries(commands)) allowed.set(name, compileAllowance(allowance));
  const writable = redirectWrites.map(compileGlob);
  return {
    refusal(analysis) {
      if (!analysis.complete) return `not fully understood: ${analysis.problems.join('; ')}`;
      if (analysis.assignments.length > 0) return `assigns variables (${analysis.assignments.join(', ')})`;
      for (const command of analysis.commands) {
        const allowance = allowed.get(command.name);
        if (allowance === undefined) return `${command.name} is not an allowed command`;
        const refused = refuseArguments(command, allowance);
        if (refused !== null) return refused;
      }
      for (const redirect of analysis.redirects) {
        if (!redirect.writes) continue;
        // `/tmp/*` must not reach `/tmp/../etc/passwd`: a `..` segment is never allowed.
        const climbs = /(^|\/)\.\.(\/|$)/.test(redirect.target);
        if (redirect.dynamic || climbs || !writable.some((matches) => matches(redirect.target))) {
          return `writes to ${redirect.target} (${redirect.operator})`;
        }
      }
      return null;
    },
  };
}

function compileAllowance(allowance: CommandAllowance): CompiledAllowance {
  const words = new Set<string>();
  const letters = new Set<string>();
  const longNames: string[] = [];
  for (const option of allowance.forbid ?? []) {
    if (option.startsWith('--')) longNames.push(option.slice(2));
    else if (option.length === 2) letters.add(option.slice(1));
    else words.add(option);
  }
  const subcommands = allowance.subcommands === undefined ? null : new Set(allowance.subcommands);
  return {
    subcommands,
    words,
    letters,
    longNames,
    restricted: subcommands !== null || (allowance.forbid ?? []).length > 0,
  };
}

function refuseArguments(command: ShellCommand, allowance: CompiledAllowance): string | null {
  if (!allowance.restricted) return null;
  if (command.dynamic_args) return `${command.name} has arguments known only at run time`;
  if (allowance.subcommands !== null) {
    const subcommand = command.args.find((arg) => !arg.startsWith('-'));
    if (subcommand !== undefined && !allowance.subcommands.has(subcommand)) {
      return `${command.name} ${subcommand} is not an allowed subcommand`;
    }
  }
  for (const arg of command.args) {
    if (isForbidden(arg, allowance)) return `${command.name} ${arg}: forbidden option`;
    // An option spelled with look-alike or invisible characters is refused rather than compared.
    if (arg.startsWith('-') && !/^[\x20-\x7e]*$/.test(arg))
      return `${command.name} ${JSON.stringify(arg)}: unusual characters`;
  }
  return null;
}

function isForbidden(arg: string, allowance: CompiledAllowance): boolean {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    return name !== '' && allowance.longNames.some((forbidden) => forbidden.startsWith(name));
  }
  if (!arg.startsWith('-') || arg.length < 2) return false;
  if (allowance.words.has(arg)) return true;
  for (const letter of arg.slice(1)) if (allowance.letters.has(letter)) return true;
  return false;
}
