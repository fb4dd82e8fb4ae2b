import type { Writable } from 'node:stream';
import { spinner as clackSpinner } from '@clack/prompts';
import type { Io } from '../io.js';

export interface Spinner {
  start(message: string): void;
  message(message: string): void;
  stop(message?: string): void;
}

/**
 * A spinner on stderr while a command waits, only when stderr is a terminal: piped output and
 * logs stay clean. Elsewhere it is silent.
 */
export function createSpinner(io: Io): Spinner {
  if (!io.stderr.isTTY || io.env.CI) return { start() {}, message() {}, stop() {} };
  const spin = clackSpinner({ output: io.stderr as unknown as Writable, withGuide: false });
  let running = false;
  return {
    start(message) {
      running = true;
      spin.start(message);
    },
    message(message) {
      spin.message(message);
    },
    stop(message) {
      if (!running) return;
      running = false;
      spin.stop(message);
    },
  };
}
