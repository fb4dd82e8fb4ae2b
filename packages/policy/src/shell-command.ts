/** One command that would run. */
export interface ShellCommand {
  /** Basename of the command word after quote removal (`/usr/bin/'rm'` → `rm`). */
  readonly name: string;
  /**
   * The command word as written, after quote removal (`/usr/bin/rm`, `./rm`, `rm`): rules match the
   * name, but a standing grant compares this, so `/tmp/x/ls` is not the `ls` that was granted.
   */
  readonly path: string;
  /** Its arguments after quote removal; unknown values keep their source text (`$HOME`). */
  readonly args: readonly string[];
  /** True when some argument is known only at run time (expansion, glob, or fed by xargs/find). */
  readonly dynamic_args: boolean;
  /** `NAME=value` assignments in front of it (or given to `env`). */
  readonly assignments: readonly string[];
  /** How it is reached, outermost first: `$(…)`, `bash -c`, `sudo`, `find -exec`…; empty at top level. */
  readonly via: readonly string[];
}

/** One redirection to or from a file (descriptor duplications like `2>&1` are not files). */
export interface ShellRedirect {
  /** The operator with its descriptor: `>`, `2>>`, `&>`, `<`. */
  readonly operator: string;
  readonly target: string;
  /** True when it creates, truncates or appends to the target. */
  readonly writes: boolean;
  /** True when the target is known only at run time. */
  readonly dynamic: boolean;
}
