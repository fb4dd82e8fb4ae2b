export { CliError, EXIT, UsageError } from './cli-error.js';
export type { Io, OutputStream } from './io.js';
export { run } from './program.js';
