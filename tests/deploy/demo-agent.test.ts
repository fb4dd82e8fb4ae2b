import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, ROOT, type RunningServer, startServer } from '../e2e/harness.js';
import { envOf, service } from './compose.js';

// The compose file's own settings, with the server on a free local port instead of faramesh:8000.
const serverEnv = envOf(service('faramesh'));
const agentEnv = envOf(service('demo-agent'));
const tokenOf = (role: string) => {
  const entry = (serverEnv.FARAMESH_TOKENS ?? '').split(',').find((e) => e.split(':')[1] === role);
  return entry?.split(':')[2] ?? '';
};

interface Action {
  id: string;
  agent_id: string;
  status: string;
  decision: string;
  context: { source?: string };
}

let server: RunningServer;
let agent: ChildProcess;
let agentLog = '';

async function actions(): Promise<Action[]> {
  const res = await api(server.url, '/v1/actions?limit=500', { token: tokenOf('agent') });
  expect(res.status).toBe(200);
  // Only the agent's own: FARAMESH_DEMO also seeds a few finished and pending actions.
  return (res.json.items as Action[]).filter((a) => a.context.source === 'examples/demo-agent');
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${agentLog}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  server = await startServer({ env: serverEnv });
  agent = spawn(process.execPath, [join(ROOT, 'examples/demo-agent/agent.mjs')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...agentEnv, FARAMESH_BASE_URL: server.url, DEMO_AGENT_INTERVAL_MS: '50' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout?.on('data', (chunk: Buffer) => {
    agentLog += chunk.toString();
  });
  agent.stderr?.on('data', (chunk: Buffer) => {
    agentLog += chunk.toString();
  });
});

afterAll(async () => {
  agent?.kill('SIGTERM');
  await server?.stop();
});

describe('the demo agent against a real server, with the compose settings', () => {
  it('submits a mix that is allowed, denied and held for approval, and runs what was allowed', async () => {
    const seen = await until(async () => {
      const list = await actions();
      const statuses = new Set(list.map((a) => a.status));
      const decisions = new Set(list.map((a) => a.decision));
      const complete =
        ['allow', 'deny', 'require_approval'].every((d) => decisions.has(d)) &&
        ['denied', 'pending_approval', 'succeeded'].every((s) => statuses.has(s));
      return complete ? list : undefined;
    }, 'allowed, denied, pending and succeeded actions');
    // The agent picks its calls at random, so the mix can be complete after as few as three; what
    // matters is that every action listed is one of its agents' (`*-bot`), submitted over the API.
    expect(seen.every((a) => /^[a-z]+-bot$/.test(a.agent_id))).toBe(true);
    // The agent reports a result to the server before it prints "ran", so the log can trail the list.
    await until(
      async () => (/\[demo-agent\] denied/.test(agentLog) && /\[demo-agent\] ran/.test(agentLog) ? true : undefined),
      'the agent to log a denial and a run',
    );
    expect(agentLog).toMatch(/\[demo-agent\] ran +\S/);
  });

  it('runs an action once an approver approves it, and reports the result', async () => {
    const pending = (await actions()).find((a) => a.status === 'pending_approval');
    expect(pending).toBeDefined();
    const id = (pending as Action).id;
    const detail = await api(server.url, `/v1/actions/${id}`, { token: tokenOf('approver') });
    const approval = await api(server.url, `/v1/actions/${id}/approval`, {
      token: tokenOf('approver'),
      body: { token: detail.json.approval_token, approve: true, reason: 'demo test' },
    });
    expect(approval.status).toBe(200);
    const final = await until(async () => {
      const action = (await actions()).find((a) => a.id === id);
      return action !== undefined && ['succeeded', 'failed'].includes(action.status) ? action : undefined;
    }, `approved action ${id} to be run`);
    expect(['succeeded', 'failed']).toContain(final.status);
  });

  it('never lets the agent token approve', async () => {
    const pending = await until(
      async () => (await actions()).find((a) => a.status === 'pending_approval'),
      'a pending action',
    );
    const res = await api(server.url, `/v1/actions/${pending.id}/approval`, {
      token: tokenOf('agent'),
      body: { token: 'x'.repeat(43), approve: true },
    });
    expect(res.status).toBe(403);
  });
});
