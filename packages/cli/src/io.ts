/**
 * Everything a command touches outside itself: output streams, environment, working directory,
 * an interrupt signal. Commands receive it, so tests run them in process with captured output.
 */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborts long-running commands (tail, logs --follow); bin.ts ties it to SIGINT. */
  signal?: AbortSignal;
  /**
   * Standard input, for a command that takes a secret from a pipe (`redaction digest --stdin`) rather
   * than from its arguments, which `ps` and shell history show. Tests give a string's bytes.
   */
  stdin?: AsyncIterable<Buffer | string>;
  /** fetch used by the SDK client; tests inject one that talks to an in-process server. */
  fetch?: typeof fetch;
  /**
   * Told each step of a local `archive` (segments_written, events_deleted, actions_deleted,
   * committed). Only code can set it (processIo never does): the crash tests' entry script
   * (tests/e2e/archive-crash-cli.mjs) kills the process at a step to show nothing is lost.
   */
  archiveStep?: (step: string) => void;
}

/** The process's real streams and environment. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: Node opens stdin on first access, which only the commands that read it should do.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * All of standard input as UTF-8 text, or null when there is none to read (no stdin at all).
 * Bytes that are not UTF-8 are an error rather than a silent U+FFFD, and a leading BOM is kept: a
 * secret must arrive exactly.
 */
export async function readStdin(io: Io): Promise<string | null> {
  const input = io.stdin;
  if (input === undefined) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.concat(chunks));
}

/**
 * `faramesh audit export | head -1`: once the reader closes the pipe, the next write fails with
 * EPIPE, emitted as an 'error' event that would otherwise crash the process with a stack trace.
 * The reader has all it wanted, so the command stops quietly with the status it had so far (0 unless
 * a failure was already recorded), as `git log | head -1` does without the signal.
 */
export function exitOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // Any other write error stays what it was without this listener: uncaught.
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

/**
 * An AbortSignal that fires on the first SIGINT/SIGTERM. Installed only by commands that run until
 * interrupted, so `serve` keeps its own signal handling.
 */
export function interruptSignal(io: Io): AbortSignal {
  if (io.signal) return io.signal;
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  controller.signal.addEventListener('abort', () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  return controller.signal;
}
