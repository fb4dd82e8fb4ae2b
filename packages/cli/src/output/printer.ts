import type { Io } from '../io.js';
import { type Colours, colourEnabled, colours } from './colour.js';
import { renderTable } from './table.js';

/**
 * Where commands write. Human text goes to stdout; status and progress to stderr, and only when
 * stderr is a terminal; `--json` output is JSON only, so scripts can parse stdout.
 */
export class Printer {
  readonly c: Colours;
  /** Colour for stderr messages (errors, status), decided on stderr's own terminal-ness. */
  readonly ce: Colours;
  readonly tty: boolean;
  private readonly colour: boolean;

  constructor(readonly io: Io) {
    this.colour = colourEnabled(io.stdout, io.env);
    this.c = colours(this.colour);
    this.ce = colours(colourEnabled(io.stderr, io.env));
    this.tty = io.stdout.isTTY === true;
  }

  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A compact JSON line (NDJSON), for streams. */
  jsonLine(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  table(head: string[], rows: string[][]): void {
    this.line(renderTable(head, rows, { boxed: this.tty, colour: this.colour }));
  }

  /** A diagnostic line on stderr. */
  warn(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** Progress/status text on stderr, shown only on a terminal. */
  status(text: string): void {
    if (this.io.stderr.isTTY) this.io.stderr.write(`${text}\n`);
  }

  success(text: string): void {
    this.line(`${this.c.green('✓')} ${text}`);
  }
}
