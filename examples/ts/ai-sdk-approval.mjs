// Vercel AI SDK: needsApproval answered by Faramesh; a scripted model asks for a shell command.

import { approvalResponses, governTools } from '@faramesh/ai-sdk';
import { FarameshClient } from '@faramesh/sdk';
import { generateText, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};
let step = 0;
const model = new MockLanguageModelV3({
  doGenerate: async () =>
    step++ === 0
      ? {
          content: [{ type: 'tool-call', toolCallId: `call-${Date.now()}`, toolName: 'shell', input: '{"cmd":"ls"}' }],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        }
      : {
          content: [{ type: 'text', text: 'done' }],
          finishReason: { unified: 'stop', raw: undefined },
          usage,
          warnings: [],
        },
});
const governance = { client: new FarameshClient(), agentId: 'example', operation: () => 'run' };
const tools = governTools(
  {
    shell: tool({
      description: 'Run a command',
      inputSchema: z.object({ cmd: z.string() }),
      execute: async ({ cmd }) => `ran: ${cmd}`,
    }),
  },
  governance,
);

const messages = [{ role: 'user', content: 'list files' }];
const first = await generateText({ model, tools, messages });
console.log('waiting for the Faramesh decision (faramesh approve <id>)');
const answer = await approvalResponses(governance, first.content);
const second = await generateText({ model, tools, messages: [...messages, ...first.response.messages, answer] });
console.log(second.text);
