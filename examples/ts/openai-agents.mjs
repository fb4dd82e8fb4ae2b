// OpenAI Agents SDK: needsApproval answered by Faramesh, denied calls rejected by its guardrail.

import { governTool, resolveInterruptions } from '@faramesh/openai-agents';
import { FarameshClient } from '@faramesh/sdk';
import { Agent, run, tool, Usage } from '@openai/agents';
import { z } from 'zod';

const callId = `call-${Date.now()}`;
const model = {
  async getResponse(request) {
    const answered = Array.isArray(request.input) && request.input.some((i) => i.type === 'function_call_result');
    const output = answered
      ? [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done' }] }]
      : [{ type: 'function_call', callId, name: 'shell', arguments: '{"cmd":"ls"}', status: 'completed' }];
    return { output, usage: new Usage(), responseId: callId };
  },
  getStreamedResponse() {
    throw new Error('not scripted');
  },
};
const governance = { client: new FarameshClient(), agentId: 'example', operation: () => 'run' };
const shell = governTool(
  tool({
    name: 'shell',
    description: 'Run a command',
    parameters: z.object({ cmd: z.string() }),
    execute: async ({ cmd }) => `ran: ${cmd}`,
  }),
  governance,
);
const agent = new Agent({ name: 'assistant', instructions: 'help', model, tools: [shell] });

let result = await run(agent, 'list files');
while (result.interruptions?.length) {
  console.log('waiting for the Faramesh decision (faramesh approve <id>)');
  result = await run(agent, await resolveInterruptions(governance, result));
}
console.log(result.finalOutput);
