import { ActionDeniedError, ConnectionError } from '@faramesh/sdk';
import { tool } from '@langchain/core/tools';
import { createAgent, FakeToolCallingModel, HumanMessage, ToolMessage } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  countingFunction,
  type GovernanceServer,
  startGovernanceServer,
  unreachableClient,
} from '../../../tests/integrations/harness.js';
import { farameshMiddleware } from './faramesh-middleware.js';
import { governTool, governTools } from './govern-tool.js';

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

function emailTool() {
  const body = countingFunction((args: { to: string }) => `sent to ${args.to}`);
  const send = tool(async (args: { to: string }) => body.fn(args), {
    name: 'send_email',
    description: 'Send an email',
    schema: z.object({ to: z.string() }),
  });
  return { body, send };
}

function deleteTool() {
  const body = countingFunction((args: { path: string }) => `deleted ${args.path}`);
  const remove = tool(async (args: { path: string }) => body.fn(args), {
    name: 'delete_file',
    description: 'Delete a file',
    schema: z.object({ path: z.string() }),
  });
  return { body, remove };
}

describe('governTool', () => {
  it('never runs a denied tool', async () => {
    const { body, remove } = deleteTool();
    const governed = governTool(remove, { client: gov.agent(), agentId: 'lc' });
    await expect(governed.invoke({ path: '/etc/hosts' })).rejects.toBeInstanceOf(ActionDeniedError);
    expect(body.calls).toEqual([]);
  });

  it('runs an approved tool exactly once with the approved arguments', async () => {
    const { body, send } = emailTool();
    const [governed] = governTools([send], { client: gov.agent(), agentId: 'lc' });
    const call = governed!.invoke({ to: 'lc@example.com' });
    const approved = await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'lc@example.com' }, true);
    await expect(call).resolves.toBe('sent to lc@example.com');
    expect(body.calls).toEqual([approved.params]);
  });

  it('answers a tool call with a ToolMessage, keeping name, description and schema', async () => {
    const { send } = emailTool();
    const governed = governTool(send, { client: gov.agent(), agentId: 'lc' });
    expect([governed.name, governed.description]).toEqual([send.name, send.description]);
    const call = governed.invoke({
      id: 'call-1',
      name: 'send_email',
      args: { to: 'tc@example.com' },
      type: 'tool_call',
    });
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'tc@example.com' }, true);
    const message = await call;
    expect(message).toBeInstanceOf(ToolMessage);
    expect((message as ToolMessage).content).toBe('sent to tc@example.com');
  });

  it('fails closed when the server is unreachable', async () => {
    const { body, send } = emailTool();
    const governed = governTool(send, { client: await unreachableClient(), agentId: 'lc' });
    await expect(governed.invoke({ to: 'x@example.com' })).rejects.toBeInstanceOf(ConnectionError);
    expect(body.calls).toEqual([]);
  });
});

describe('farameshMiddleware in createAgent', () => {
  function agentCalling(
    calls: { name: string; args: Record<string, unknown> }[],
    tools: NonNullable<Parameters<typeof createAgent>[0]['tools']>,
    client = gov.agent(),
  ) {
    const model = new FakeToolCallingModel({
      toolCalls: [calls.map((c, i) => ({ ...c, id: `call-${i}`, type: 'tool_call' as const })), []],
    });
    return createAgent({ model, tools, middleware: [farameshMiddleware({ client, agentId: 'lc-agent' })] });
  }

  it('tells the model about a denied call and never runs the tool', async () => {
    const { body, remove } = deleteTool();
    const agent = agentCalling([{ name: 'delete_file', args: { path: '/srv/db' } }], [remove]);
    const result = await agent.invoke({ messages: [new HumanMessage('clean up')] });
    const reply = result.messages.find((m) => ToolMessage.isInstance(m));
    expect(String(reply?.content)).toContain('Agents never delete files');
    expect(body.calls).toEqual([]);
  });

  it('runs an approved call once with the approved arguments', async () => {
    const { body, send } = emailTool();
    const agent = agentCalling([{ name: 'send_email', args: { to: 'mw@example.com' } }], [send]);
    const run = agent.invoke({ messages: [new HumanMessage('email mw')] });
    const approved = await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'mw@example.com' }, true);
    const result = await run;
    expect(body.calls).toEqual([approved.params]);
    const reply = result.messages.find((m) => ToolMessage.isInstance(m));
    expect(reply?.content).toBe('sent to mw@example.com');
  });

  it('fails the run closed when the server is unreachable', async () => {
    const { body, send } = emailTool();
    const agent = agentCalling(
      [{ name: 'send_email', args: { to: 'down@example.com' } }],
      [send],
      await unreachableClient(),
    );
    await expect(agent.invoke({ messages: [new HumanMessage('email')] })).rejects.toThrow(/cannot reach Faramesh/);
    expect(body.calls).toEqual([]);
  });
});
