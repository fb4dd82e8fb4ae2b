import {
  ActionDeniedError,
  ApprovalTimeoutError,
  ArgumentsChangedError,
  ConnectionError,
  ExecutionGovernorClient,
  FarameshClient,
  govern,
  governed,
  recordQueueOf,
} from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_TOKEN,
  countingFunction,
  freePort,
  type GovernanceServer,
  startGovernanceServer,
  unreachableClient,
} from '../integrations/harness.js';
import { workDir } from './harness.js';

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

describe('govern()', () => {
  it('runs an allowed call once and records it as succeeded', async () => {
    const tool = countingFunction((args: { city: string }) => `sunny in ${args.city}`);
    const weather = govern(tool.fn, { client: gov.agent(), tool: 'get_weather', operation: 'lookup', agentId: 'sdk' });
    await expect(weather({ city: 'Oslo' })).resolves.toBe('sunny in Oslo');
    expect(tool.calls).toEqual([{ city: 'Oslo' }]);
    const [latest] = await gov.actions();
    expect(latest).toMatchObject({ tool: 'get_weather', status: 'succeeded', params: { city: 'Oslo' } });
  });

  it('never runs a denied call and throws ActionDeniedError with the reason', async () => {
    const tool = countingFunction((_: { path: string }) => 'deleted');
    const remove = govern(tool.fn, { client: gov.agent(), tool: 'delete_file', operation: 'rm', agentId: 'sdk' });
    const error = await remove({ path: '/etc/passwd' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionDeniedError);
    expect((error as ActionDeniedError).message).toContain('Agents never delete files');
    expect(tool.calls).toEqual([]);
  });

  it('waits for an approval and then runs exactly once with the approved arguments', async () => {
    const tool = countingFunction((args: { to: string; body: string }) => `sent to ${args.to}`);
    const send = governed<[{ to: string; body: string }]>({
      client: gov.agent(),
      tool: 'send_email',
      operation: 'send',
      agentId: 'sdk',
    })(tool.fn);
    const call = send({ to: 'a@example.com', body: 'hi' });
    const approved = await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'a@example.com' }, true);
    expect(approved.params).toEqual({ to: 'a@example.com', body: 'hi' });
    await expect(call).resolves.toBe('sent to a@example.com');
    expect(tool.calls).toEqual([{ to: 'a@example.com', body: 'hi' }]);
    expect((await gov.approver.getAction(approved.id)).status).toBe('succeeded');
  });

  it('never runs a call the approver denies', async () => {
    const tool = countingFunction((_: { to: string }) => 'sent');
    const send = govern(tool.fn, { client: gov.agent(), tool: 'send_email', operation: 'send', agentId: 'sdk' });
    const call = send({ to: 'b@example.com' }).catch((e: unknown) => e);
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'b@example.com' }, false, 'not today');
    const error = await call;
    expect(error).toBeInstanceOf(ActionDeniedError);
    expect((error as Error).message).toContain('not today');
    expect(tool.calls).toEqual([]);
  });

  it('fails closed with ApprovalTimeoutError when no decision arrives in time', async () => {
    const tool = countingFunction((_: { to: string }) => 'sent');
    const send = govern(tool.fn, {
      client: gov.agent(),
      tool: 'send_email',
      operation: 'send',
      agentId: 'sdk',
      approvalTimeoutMs: 300,
    });
    await expect(send({ to: 'c@example.com' })).rejects.toBeInstanceOf(ApprovalTimeoutError);
    expect(tool.calls).toEqual([]);
  });

  it('refuses to run when the arguments changed while waiting for approval', async () => {
    const tool = countingFunction((args: { to: string }) => args.to);
    const send = govern(tool.fn, { client: gov.agent(), tool: 'send_email', operation: 'send', agentId: 'sdk' });
    const args = { to: 'safe@example.com' };
    const call = send(args).catch((e: unknown) => e);
    const approved = await gov.decideNext(
      { tool: 'send_email', match: (a) => a.params.to === 'safe@example.com' },
      true,
    );
    args.to = 'attacker@example.com';
    expect(await call).toBeInstanceOf(ArgumentsChangedError);
    expect(tool.calls).toEqual([]);
    expect((await gov.approver.getAction(approved.id)).status).toBe('failed');
  });

  it('reports a throwing function as failed with its message', async () => {
    const weather = govern(
      (_: { city: string }) => {
        throw new Error('upstream 500');
      },
      { client: gov.agent(), tool: 'get_weather', operation: 'lookup', agentId: 'sdk' },
    );
    await expect(weather({ city: 'Rome' })).rejects.toThrow('upstream 500');
    const [latest] = await gov.actions();
    expect(latest).toMatchObject({ status: 'failed', result_error: 'Error: upstream 500' });
  });

  it('fails closed when the server is unreachable', async () => {
    const tool = countingFunction((_: { city: string }) => 'sunny');
    const weather = govern(tool.fn, {
      client: await unreachableClient(),
      tool: 'get_weather',
      operation: 'lookup',
      agentId: 'sdk',
    });
    await expect(weather({ city: 'Oslo' })).rejects.toBeInstanceOf(ConnectionError);
    expect(tool.calls).toEqual([]);
  });
});

describe('govern() with failOpen', () => {
  it('runs during an outage and records the call once the server is back', async () => {
    const port = await freePort();
    const { dir } = workDir();
    const first = await startGovernanceServer({ port, dir });
    await first.stop();
    const client = new FarameshClient({ baseUrl: first.url, token: AGENT_TOKEN, retries: 0 });
    const tool = countingFunction((args: { city: string }) => `sunny in ${args.city}`);
    const weather = govern(tool.fn, {
      client,
      tool: 'get_weather',
      operation: 'lookup',
      agentId: 'sdk',
      failOpen: true,
    });

    await expect(weather({ city: 'Lima' })).resolves.toBe('sunny in Lima');
    expect(tool.calls).toHaveLength(1);
    const queue = recordQueueOf(client);
    expect(queue.size).toBe(1);

    const back = await startGovernanceServer({ port, dir });
    try {
      await queue.flush();
      expect(queue.size).toBe(0);
      const [recorded] = await back.actions();
      expect(recorded).toMatchObject({ tool: 'get_weather', params: { city: 'Lima' }, status: 'succeeded' });
    } finally {
      await back.stop();
    }
  });

  it('still obeys a deny when the server answers', async () => {
    const tool = countingFunction((_: { path: string }) => 'deleted');
    const remove = govern(tool.fn, {
      client: gov.agent(),
      tool: 'delete_file',
      operation: 'rm',
      agentId: 'sdk',
      failOpen: true,
    });
    await expect(remove({ path: '/tmp/x' })).rejects.toBeInstanceOf(ActionDeniedError);
    expect(tool.calls).toEqual([]);
  });
});

describe('the seed README Node.js example', () => {
  it('submits with context.agent_id and reads the events, as written', async () => {
    // The seed runs against an open server; this one has tokens, which the client reads from the env as documented.
    const saved = process.env.FARAMESH_TOKEN;
    process.env.FARAMESH_TOKEN = AGENT_TOKEN;
    const client = new ExecutionGovernorClient(gov.url);
    if (saved === undefined) delete process.env.FARAMESH_TOKEN;
    else process.env.FARAMESH_TOKEN = saved;
    const action = await client.submitAction({
      tool: 'shell',
      operation: 'run',
      params: { cmd: "echo 'Hello World'" },
      context: { agent_id: 'my-agent' },
    });
    expect(action.status).toBe('denied');
    expect(action.risk_level).toBeDefined();
    const events = await client.getEvents(action.id);
    expect(events.length).toBeGreaterThan(0);
  });
});
