// LangGraph: a shell call pauses the graph (interrupt, held by the checkpointer) until approved.

import { governGraphTools, pendingApprovals, resumeWhenDecided } from '@faramesh/langgraph';
import { FarameshClient } from '@faramesh/sdk';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { MemorySaver, MessagesAnnotation, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { z } from 'zod';

const client = new FarameshClient();
const tools = governGraphTools(
  [
    tool(async ({ cmd }) => `ran: ${cmd}`, {
      name: 'shell',
      description: 'Run a command',
      schema: z.object({ cmd: z.string() }),
    }),
  ],
  { client, agentId: 'example', operation: () => 'run' },
);
const model = () => ({
  messages: [
    new AIMessage({
      content: '',
      tool_calls: [{ id: 'call-1', name: 'shell', args: { cmd: 'ls' }, type: 'tool_call' }],
    }),
  ],
});
const graph = new StateGraph(MessagesAnnotation)
  .addNode('model', model)
  .addNode('tools', new ToolNode(tools))
  .addEdge('__start__', 'model')
  .addEdge('model', 'tools')
  .addEdge('tools', '__end__')
  .compile({ checkpointer: new MemorySaver() });

const config = { configurable: { thread_id: `example-${Date.now()}` } };
const paused = await graph.invoke({ messages: [new HumanMessage('list files')] }, config);
for (const p of pendingApprovals(paused)) console.log(`paused on ${p.action_id}: faramesh approve ${p.action_id}`);
const done = await graph.invoke(await resumeWhenDecided(client, paused), config);
console.log(done.messages.at(-1)?.content);
