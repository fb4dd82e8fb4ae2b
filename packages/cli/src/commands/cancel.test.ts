import { FarameshClient } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer } from '../testing/harness.js';

const AGENT = 'agent-token-cancel-1';
const APPROVER = 'approver-token-cancel-2';

let srv: TestServer;
let agent: FarameshClient;

beforeAll(async () => {
  srv = await startServer({ env: { FARAMESH_TOKENS: `bot:agent:${AGENT},ann:approver:${APPROVER}` } });
  agent = new FarameshClient({ baseUrl: srv.url, token: AGENT });
});
afterAll(async () => {
  await srv.close();
});

const submitShell = (cmd: string) =>
  agent.submitAction({ agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd } });

describe('faramesh cancel', () => {
  it('withdraws the submitter’s pending action by prefix, with a reason, and lists it as cancelled', async () => {
    const action = await submitShell('make deploy');
    const out = await cli(['cancel', action.id.slice(0, 8), '--reason', 'wrong branch', '--token', AGENT], {
      env: srv.env,
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`⊘ Cancelled ${action.id.slice(0, 8)} (shell run): pending_approval → cancelled\n`);
    const events = await agent.getEvents(action.id);
    expect(events.at(-1)).toMatchObject({ event_type: 'cancelled', meta: { by: 'bot', reason: 'wrong branch' } });
    const listed = await cli(['list', '--status', 'cancelled', '--token', AGENT], { env: srv.env });
    expect(listed.stdout).toContain(`${action.id.slice(0, 8)}  cancelled`);
    const logs = await cli(['logs', action.id.slice(0, 8), '--token', AGENT], { env: srv.env });
    expect(logs.stdout).toMatch(/pending_approval → cancelled/);
  });

  it('prints the action as JSON with --json', async () => {
    const action = await submitShell('make test');
    const out = await cli(['--json', 'cancel', action.id, '--token', AGENT], { env: srv.env });
    expect(JSON.parse(out.stdout)).toMatchObject({ id: action.id, status: 'cancelled' });
  });

  it('prints one readable line and exits non-zero when the caller may not cancel, or it already ended', async () => {
    const action = await submitShell('rm -rf build');
    const refused = await cli(['cancel', action.id, '--token', APPROVER], { env: srv.env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('only the submitter of an action or an admin may cancel it');
    await agent.cancelAction(action.id);
    const again = await cli(['cancel', action.id, '--token', AGENT], { env: srv.env });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('cannot cancel an action that is cancelled');
  });
});
