import type { FarameshClient } from '@faramesh/sdk';
import { AIMessage, HumanMessage, type ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { MemorySaver, MessagesAnnotation, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  countingFunction,
  type GovernanceServer,
  startGovernanceServer,
  unreachableClient,
} from '../../../tests/integrations/harness.js';
import { governGraphTools } from './govern-node-tool.js';
import { pendingApprovals, resumeWhenDecided } from './resume-when-decided.js';

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

/** A graph whose scripted "model" asks for one tool call, then a ToolNode runs the governed tools. */
function graphCalling(
  name: string,
  args: Record<string, unknown>,
  client: FarameshClient,
  checkpointer = new MemorySaver(),
) {
  const email = countingFunction((a: { to: string }) => `sent to ${a.to}`);
  const remove = countingFunction((a: { path: string }) => `deleted ${a.path}`);
  const tools = governGraphTools(
    [
      tool(async (a: { to: string }) => email.fn(a), {
        name: 'send_email',
        description: 'Send an email',
        schema: z.object({ to: z.string() }),
      }),
      tool(async (a: { path: string }) => remove.fn(a), {
        name: 'delete_file',
        description: 'Delete a file',
        schema: z.object({ path: z.string() }),
      }),
    ],
    { client, agentId: 'lg' },
  );
  const model = () => ({
    messages: [new AIMessage({ content: '', tool_calls: [{ id: 'call-1', name, args, type: 'tool_call' }] })],
  });
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('model', model)
    .addNode('tools', new ToolNode(tools))
    .addEdge('__start__', 'model')
    .addEdge('model', 'tools')
    .addEdge('tools', '__end__')
    .compile({ checkpointer });
  return { graph, email, remove, checkpointer };
}

const input = { messages: [new HumanMessage('go')] };

describe('governGraphTool', () => {
  it('pauses on require_approval with an interrupt and runs once, with the approved arguments, after the approval', async () => {
    const { graph, email } = graphCalling('send_email', { to: 'lg@example.com' }, gov.agent());
    const config = { configurable: { thread_id: 'approve-1' } };
    const paused = await graph.invoke(input, config);
    const [pending] = pendingApprovals(paused);
    expect(pending).toMatchObject({ tool: 'send_email', params: { to: 'lg@example.com' } });
    expect(email.calls).toEqual([]);

    await gov.approver.approve(pending!.action_id);
    const done = await graph.invoke(await resumeWhenDecided(gov.agent(), paused), config);
    expect(email.calls).toEqual([{ to: 'lg@example.com' }]);
    expect(done.messages.at(-1)?.content).toBe('sent to lg@example.com');
    expect((await gov.approver.getAction(pending!.action_id)).status).toBe('succeeded');
  });

  it('keeps the pause in the checkpointer: another graph instance resumes it', async () => {
    const first = graphCalling('send_email', { to: 'durable@example.com' }, gov.agent());
    const config = { configurable: { thread_id: 'durable-1' } };
    const paused = await first.graph.invoke(input, config);
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'durable@example.com' }, true);

    const second = graphCalling('send_email', { to: 'durable@example.com' }, gov.agent(), first.checkpointer);
    await second.graph.invoke(await resumeWhenDecided(gov.agent(), paused), config);
    expect(first.email.calls).toEqual([]);
    expect(second.email.calls).toEqual([{ to: 'durable@example.com' }]);
    const created = (await gov.actions()).filter((a) => a.params.to === 'durable@example.com');
    expect(created).toHaveLength(1);
  });

  it('never runs a call the approver denies, whatever the resume value says', async () => {
    const { graph, email } = graphCalling('send_email', { to: 'no@example.com' }, gov.agent());
    const config = { configurable: { thread_id: 'deny-1' } };
    const paused = await graph.invoke(input, config);
    const [pending] = pendingApprovals(paused);
    await gov.approver.deny(pending!.action_id, { reason: 'not this one' });
    const { Command } = await import('@langchain/langgraph');
    const done = await graph.invoke(new Command({ resume: { status: 'approved' } }), config);
    expect(email.calls).toEqual([]);
    const reply = done.messages.at(-1) as ToolMessage;
    expect(String(reply.content)).toContain('not this one');
  });

  it('never runs a tool the policy denies', async () => {
    const { graph, remove } = graphCalling('delete_file', { path: '/srv' }, gov.agent());
    const done = await graph.invoke(input, { configurable: { thread_id: 'policy-deny-1' } });
    expect(remove.calls).toEqual([]);
    expect(String(done.messages.at(-1)?.content)).toContain('Agents never delete files');
  });

  it('fails closed when the server is unreachable', async () => {
    const { graph, email } = graphCalling('send_email', { to: 'down@example.com' }, await unreachableClient());
    const done = await graph.invoke(input, { configurable: { thread_id: 'outage-1' } });
    expect(email.calls).toEqual([]);
    expect(String(done.messages.at(-1)?.content)).toContain('cannot reach Faramesh');
  });
});
