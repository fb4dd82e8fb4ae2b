// govern(): the function runs only after Faramesh allows or a human approves it.
import { ActionDeniedError, FarameshClient, govern } from '@faramesh/sdk';

const client = new FarameshClient(); // FARAMESH_BASE_URL / FARAMESH_TOKEN, default http://127.0.0.1:8000
const runShell = govern(async ({ cmd }) => `ran: ${cmd}`, {
  client,
  tool: 'shell',
  operation: 'run',
  agentId: 'example',
});

console.log('waiting for approval: run `faramesh list --status pending_approval` and `faramesh approve <id>`');
try {
  console.log(await runShell({ cmd: "echo 'Hello World'" }));
} catch (err) {
  if (err instanceof ActionDeniedError) console.log('denied:', err.message);
  else throw err;
}
