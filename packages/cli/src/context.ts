import { FarameshClient } from '@faramesh/sdk';
import { type Connection, resolveConnection } from './config/connection.js';
import type { Io } from './io.js';
import { Printer } from './output/printer.js';

/** The global options every command accepts. */
export interface GlobalFlags {
  host?: string;
  port?: string;
  token?: string;
  json?: boolean;
}

/** What a command runs with: output, flags, and (lazily) the connection and SDK client. */
export class Context {
  readonly out: Printer;
  private resolved: Connection | undefined;
  private sdk: FarameshClient | undefined;

  constructor(
    readonly io: Io,
    readonly flags: GlobalFlags,
  ) {
    this.out = new Printer(io);
  }

  get json(): boolean {
    return this.flags.json === true;
  }

  get connection(): Connection {
    this.resolved ??= resolveConnection(this.flags, this.io.env, this.io.cwd);
    return this.resolved;
  }

  get client(): FarameshClient {
    if (!this.sdk) {
      const { baseUrl, token } = this.connection;
      this.sdk = new FarameshClient({
        baseUrl,
        token,
        headers: { 'user-agent': 'faramesh-cli' },
        // One quick retry: a person is waiting, and an unreachable server should say so fast.
        retries: 1,
        ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
      });
    }
    return this.sdk;
  }
}
