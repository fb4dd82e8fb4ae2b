/** Limits that bound the work one analysis may do; past any of them it is incomplete. */
export const SHELL_LIMITS = {
  /** Characters of one command line. */
  text: 16 * 1024,
  /** Characters parsed in total, nested scripts (`bash -c`, `eval`) included. */
  parsed: 64 * 1024,
  /** Operator characters (`|&;()<>`) of one script: long pipelines parse in quadratic time. */
  operators: 256,
  /** Syntax nodes of one script (each costs microseconds to walk through WebAssembly). */
  nodes: 5_000,
  /** Nesting of the syntax tree (a list of N `&&`-joined commands nests N deep). */
  depth: 1_000,
  /** Scripts inside scripts (`bash -c "eval '…'"`). */
  scripts: 8,
  /** Commands recorded. */
  commands: 1_000,
} as const;

/** How many operator characters (`|&;()<>`) a text has. */
export function countOperators(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // | & ; ( ) < >
    if (code === 124 || code === 38 || code === 59 || code === 40 || code === 41 || code === 60 || code === 62)
      count += 1;
  }
  return count;
}
