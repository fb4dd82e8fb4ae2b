import type { ActionView } from './action-view.js';
import { type CommandAllowlist, compileCommandAllowlist, DEFAULT_REDIRECT_WRITES } from './command-allowlist.js';
import type { Condition, WhenUndecidable } from './condition.js';
import { compileGlob, isLiteralGlob } from './glob.js';
import type { ShellAnalysis } from './shell-analysis.js';
import type { CommandAllowance } from './types.js';

/**
 * `commands:` holds when every command the line would run is allowed as written and every writing
 * redirection targets an allowed file. When the line can't be fully analysed it holds only where
 * that is the stricter outcome (`whenUndecidable`: deny, require_approval and risk rules).
 */
export function commandsCondition(
  commands: Readonly<Record<string, CommandAllowance>>,
  redirectWrites: readonly string[] | undefined,
  whenUndecidable: WhenUndecidable,
): Condition {
  const allowlist: CommandAllowlist = compileCommandAllowlist(commands, redirectWrites ?? DEFAULT_REDIRECT_WRITES);
  // Analyses are cached and immutable, so the verdict is remembered per analysis (weakly).
  const verdicts = new WeakMap<ShellAnalysis, boolean>();
  const allowed = (shell: ShellAnalysis): boolean => {
    let verdict = verdicts.get(shell);
    if (verdict === undefined) {
      verdict = allowlist.refusal(shell) === null;
      verdicts.set(shell, verdict);
    }
    return verdict;
  };
  return {
    key: 'commands',
    expected: redirectWrites === undefined ? commands : { commands, redirect_writes: redirectWrites },
    test: (v) => {
      const shell = v.shell();
      if (shell === null) return false;
      if (!shell.complete) return whenUndecidable;
      return allowed(shell);
    },
    actual: (v) => {
      const shell = v.shell();
      return shell === null ? null : { ...summary(shell), refused: allowlist.refusal(shell) };
    },
  };
}

/** `any_command:` holds when any command the line would run has one of the names (globs); an incomplete analysis resolves to `whenUndecidable`. */
export function anyCommandCondition(names: readonly string[], whenUndecidable: WhenUndecidable): Condition {
  const exact = new Set(names.filter(isLiteralGlob));
  const globs = names.filter((name) => !isLiteralGlob(name)).map(compileGlob);
  const matching = new WeakMap<ShellAnalysis, string | null>();
  const found = (shell: ShellAnalysis): string | null => {
    let name = matching.get(shell);
    if (name === undefined) {
      name = shell.commands.find((c) => exact.has(c.name) || globs.some((matches) => matches(c.name)))?.name ?? null;
      matching.set(shell, name);
    }
    return name;
  };
  return {
    key: 'any_command',
    expected: names,
    test: (v) => {
      const shell = v.shell();
      if (shell === null) return false;
      if (found(shell) !== null) return true;
      return shell.complete ? false : whenUndecidable;
    },
    actual: (v) => {
      const shell = v.shell();
      return shell === null ? null : { ...summary(shell), found: found(shell) };
    },
  };
}

/** What `explain` shows for a shell condition. */
function summary(shell: ShellAnalysis): { commands: string[]; complete: boolean; problems: readonly string[] } {
  return {
    commands: shell.commands.map((c) => c.name),
    complete: shell.complete,
    problems: shell.problems,
  };
}

/** True when the action's shell analysis is incomplete (text conditions then resolve to the stricter outcome). */
export function shellUndecidable(view: ActionView): boolean {
  return view.shell()?.complete === false;
}
