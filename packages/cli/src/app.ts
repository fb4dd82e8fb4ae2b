import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { Context, type GlobalFlags } from './context.js';
import type { Io } from './io.js';

/** State shared by the command registrations of one CLI run. */
export class App {
  exitCode = 0;
  constructor(readonly io: Io) {}

  /** The context of a command invocation, with the global flags merged in. */
  context(cmd: CommandUnknownOpts): Context {
    return new Context(this.io, cmd.optsWithGlobals() as GlobalFlags);
  }
}
