/** Exit codes of the CLI: stable, documented in the README. */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

/**
 * A failure the user caused or can fix: printed as one message (no stack), then the process exits
 * with `exitCode`.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
  }
}

/** Wrong usage: bad argument value, missing file argument, etc. Exit code 2. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
