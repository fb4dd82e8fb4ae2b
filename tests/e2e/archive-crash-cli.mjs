// Test-only entry to the built CLI: `node archive-crash-cli.mjs STEP faramesh-args…` runs the CLI
// in this process with an `archiveStep` hook that kills it (SIGKILL, no clean-up) when a local
// archive reaches STEP (segments_written, events_deleted, actions_deleted or committed). The crash
// is reachable only through this script, never through the installed CLI or its environment.
import { processIo } from '../../packages/cli/dist/io.js';
import { run } from '../../packages/cli/dist/program.js';

const [crashAt, ...args] = process.argv.slice(2);
const steps = new Set(['segments_written', 'events_deleted', 'actions_deleted', 'committed']);
if (!steps.has(crashAt)) {
  process.stderr.write(`archive-crash-cli: the first argument must be one of ${[...steps].join(', ')}\n`);
  process.exit(2);
}
process.exitCode = await run(args, {
  ...processIo(),
  archiveStep: (step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
  },
});
