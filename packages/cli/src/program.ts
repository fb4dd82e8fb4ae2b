import { Command, CommanderError } from '@commander-js/extra-typings';
import { App } from './app.js';
import { EXIT } from './cli-error.js';
import { registerApproval } from './commands/approval.js';
import { registerArchive } from './commands/archive.js';
import { registerAudit } from './commands/audit.js';
import { registerBuildUi } from './commands/build-ui.js';
import { registerCancel } from './commands/cancel.js';
import { registerCompletion } from './commands/completion.js';
import { registerCurl } from './commands/curl.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEvents } from './commands/events.js';
import { registerExplain } from './commands/explain.js';
import { registerGet } from './commands/get.js';
import { registerGrants } from './commands/grants.js';
import { registerInit } from './commands/init.js';
import { registerInitDocker } from './commands/init-docker.js';
import { registerList } from './commands/list.js';
import { registerLogs } from './commands/logs.js';
import { registerMcp } from './commands/mcp.js';
import { registerMigrate } from './commands/migrate.js';
import { registerOutbox } from './commands/outbox.js';
import { registerPolicyGroup } from './commands/policy-cases.js';
import { registerPolicyDiff } from './commands/policy-diff.js';
import { registerPolicyRefresh } from './commands/policy-refresh.js';
import { registerPolicyTest } from './commands/policy-test.js';
import { registerPolicyValidate } from './commands/policy-validate.js';
import { registerRedaction } from './commands/redaction.js';
import { registerReplay } from './commands/replay.js';
import { registerReviews } from './commands/reviews.js';
import { registerServe } from './commands/serve.js';
import { registerTail } from './commands/tail.js';
import { registerToken } from './commands/token.js';
import { registerWait } from './commands/wait.js';
import type { Io } from './io.js';
import { Printer } from './output/printer.js';
import { reportError } from './report.js';
import { VERSION } from './version.js';

/** Builds the `faramesh` command tree; `bin.ts` and the tests run it with their own Io. */
export function buildProgram(app: App, name = 'faramesh'): Command {
  const { io } = app;
  const err = new Printer(io);
  const program = new Command(name)
    .description('Faramesh: policy, approval and audit gate for AI agent tool calls')
    .version(VERSION, '-V, --version')
    .option('--host <host>', 'server host (env FARAMESH_HOST; default 127.0.0.1)')
    .option('--port <port>', 'server port (env FARAMESH_PORT; default 8000)')
    .option('--token <token>', 'API token (env FARAMESH_TOKEN)')
    .option('--json', 'machine-readable JSON output only')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's "error: …\n(Did you mean …?)" becomes one usage line.
      outputError: (text, write) => write(`${oneLine(text, err)}\n`),
    });

  registerServe(program, io, (code) => {
    app.exitCode = code;
  });
  registerCommands(program, app);
  return program;
}

/** Every command but serve, in the order `--help` lists them. */
function registerCommands(program: Command, app: App): void {
  registerList(program, app);
  registerGet(program, app);
  registerExplain(program, app);
  registerEvents(program, app);
  registerApproval(program, app);
  registerGrants(program, app);
  registerCancel(program, app);
  registerReviews(program, app);
  registerReplay(program, app);
  registerCurl(program, app);
  registerTail(program, app);
  registerLogs(program, app);
  registerWait(program, app);
  registerMcp(program, app);
  registerPolicyRefresh(program, app);
  registerPolicyValidate(program, app);
  registerPolicyTest(program, app);
  registerPolicyGroup(program, app);
  registerPolicyDiff(program, app);
  registerInit(program, app);
  registerInitDocker(program, app);
  registerBuildUi(program, app);
  registerToken(program, app);
  registerOutbox(program, app);
  registerDoctor(program, app);
  registerMigrate(program, app);
  registerAudit(program, app);
  registerArchive(program, app);
  registerRedaction(program, app);
  registerCompletion(program, app);
}

function oneLine(text: string, out: Printer): string {
  const trimmed = text.trim().replace(/^error: /, '');
  const [first, ...rest] = trimmed.split('\n');
  const hint = rest.join(' ').trim();
  const suggestion = /\(Did you mean (.+)\?\)/.exec(hint)?.[1];
  const tail = suggestion ? ` (did you mean ${suggestion}?)` : hint ? ` ${hint}` : '';
  return `${out.ce.red('usage error')}: ${first?.replace(/\.$/, '')}${tail}; see --help`;
}

/** Runs the CLI with `argv` (without node and script) and answers the exit code. */
export async function run(argv: string[], io: Io, name = 'faramesh'): Promise<number> {
  const app = new App(io);
  const program = buildProgram(app, name);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return app.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(error, new Printer(io), io.env);
  }
}
