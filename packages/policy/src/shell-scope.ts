/** Where a command's standard input comes from, as far as a shell reading it is concerned. */
export type Stdin =
  | { kind: 'inherited' }
  | { kind: 'pipe' }
  | { kind: 'file' }
  | { kind: 'text'; text: string }
  | { kind: 'dynamic' };

/** What the walk knows at a point of the command line: how it got there and what stdin holds. */
export interface Scope {
  readonly via: readonly string[];
  readonly stdin: Stdin;
  readonly scripts: number;
}

export const INHERITED: Stdin = { kind: 'inherited' };
export const PIPE: Stdin = { kind: 'pipe' };
