import type { FarameshClient } from '@faramesh/sdk';
import { Agent, type Model, type ModelResponse, RunState, run, tool, Usage } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  countingFunction,
  type GovernanceServer,
  startGovernanceServer,
  unreachableClient,
} from '../../../tests/integrations/harness.js';
import { governTool } from './govern-tool.js';
import { resolveInterruptions } from './resolve-interruptions.js';

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

/** A scripted model: one function call, then a final message once the tool answered. */
function scriptedModel(name: string, args: Record<string, unknown>): Model {
  const callId = `call-${crypto.randomUUID()}`;
  return {
    async getResponse(request): Promise<ModelResponse> {
      const input = Array.isArray(request.input) ? request.input : [];
      const answered = input.some((i) => (i as { type?: string }).type === 'function_call_result');
      const output = answered
        ? [
            {
              type: 'message' as const,
              role: 'assistant' as const,
              status: 'completed' as const,
              content: [{ type: 'output_text' as const, text: 'done' }],
            },
          ]
        : [
            {
              type: 'function_call' as const,
              callId,
              name,
              arguments: JSON.stringify(args),
              status: 'completed' as const,
            },
          ];
      return { output, usage: new Usage(), responseId: crypto.randomUUID() };
    },
    getStreamedResponse() {
      throw new Error('not scripted');
    },
  };
}

function agentCalling(name: string, args: Record<string, unknown>, client: FarameshClient) {
  const email = countingFunction((a: { to: string }) => `sent to ${a.to}`);
  const remove = countingFunction((a: { path: string }) => `deleted ${a.path}`);
  const governance = { client, agentId: 'openai-agents' };
  const tools = [
    governTool(
      tool({
        name: 'send_email',
        description: 'Send an email',
        parameters: z.object({ to: z.string() }),
        execute: async (a) => email.fn(a),
      }),
      governance,
    ),
    governTool(
      tool({
        name: 'delete_file',
        description: 'Delete a file',
        parameters: z.object({ path: z.string() }),
        execute: async (a) => remove.fn(a),
      }),
      governance,
    ),
  ];
  const agent = new Agent({ name: 'assistant', instructions: 'help', model: scriptedModel(name, args), tools });
  return { agent, email, remove, governance };
}

describe('governTool with the OpenAI Agents runner', () => {
  it('interrupts on require_approval and runs once with the approved arguments after Faramesh approves', async () => {
    const { agent, email, governance } = agentCalling('send_email', { to: 'oa@example.com' }, gov.agent());
    const first = await run(agent, 'email oa');
    expect(first.interruptions).toHaveLength(1);
    expect(email.calls).toEqual([]);

    const approved = await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'oa@example.com' }, true);
    // The state survives serialization: the approval could be applied in another process.
    const restored = await RunState.fromString(agent, first.state.toString());
    const state = await resolveInterruptions(governance, {
      interruptions: restored.getInterruptions(),
      state: restored,
    });
    const done = await run(agent, state);
    expect(done.finalOutput).toBe('done');
    expect(email.calls).toEqual([approved.params]);
    expect((await gov.approver.getAction(approved.id)).status).toBe('succeeded');
  });

  it('never runs a call the approver denies', async () => {
    const { agent, email, governance } = agentCalling('send_email', { to: 'no-oa@example.com' }, gov.agent());
    const first = await run(agent, 'email');
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'no-oa@example.com' }, false, 'nope');
    await run(agent, await resolveInterruptions(governance, first));
    expect(email.calls).toEqual([]);
  });

  it('rejects a policy-denied call with the guardrail and never runs the tool', async () => {
    const { agent, remove } = agentCalling('delete_file', { path: '/' }, gov.agent());
    const result = await run(agent, 'rm');
    expect(remove.calls).toEqual([]);
    const output = result.newItems.find((i) => i.type === 'tool_call_output_item');
    expect(JSON.stringify(output?.rawItem)).toContain('Agents never delete files');
  });

  it('fails closed when the server is unreachable', async () => {
    const { agent, email } = agentCalling('send_email', { to: 'down@example.com' }, await unreachableClient());
    await expect(run(agent, 'email')).rejects.toThrow(/cannot reach Faramesh/);
    expect(email.calls).toEqual([]);
  });
});
