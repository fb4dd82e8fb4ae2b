import type { FarameshClient } from '@faramesh/sdk';
import { generateText, type ModelMessage, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  countingFunction,
  type GovernanceServer,
  startGovernanceServer,
  unreachableClient,
} from '../../../tests/integrations/harness.js';
import { approvalResponses } from './approval-responses.js';
import { governTools } from './govern-tools.js';

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

/** A scripted model: first a call of `toolName` with `input`, then plain text. */
function scriptedModel(toolName: string, input: Record<string, unknown>) {
  let step = 0;
  const toolCallId = `call-${crypto.randomUUID()}`;
  return new MockLanguageModelV3({
    doGenerate: async () => {
      step += 1;
      if (step === 1) {
        return {
          content: [{ type: 'tool-call', toolCallId, toolName, input: JSON.stringify(input) }],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        };
      }
      return {
        content: [{ type: 'text', text: 'done' }],
        finishReason: { unified: 'stop', raw: undefined },
        usage,
        warnings: [],
      };
    },
  });
}

function toolset(client: FarameshClient) {
  const email = countingFunction((a: { to: string }) => `sent to ${a.to}`);
  const remove = countingFunction((a: { path: string }) => `deleted ${a.path}`);
  const governance = { client, agentId: 'ai-sdk' };
  const tools = governTools(
    {
      send_email: tool({
        description: 'Send an email',
        inputSchema: z.object({ to: z.string() }),
        execute: async (a) => email.fn(a),
      }),
      delete_file: tool({
        description: 'Delete a file',
        inputSchema: z.object({ path: z.string() }),
        execute: async (a) => remove.fn(a),
      }),
    },
    governance,
  );
  return { tools, email, remove, governance };
}

describe('governTools with generateText', () => {
  it('asks for approval through needsApproval and runs once with the approved input after Faramesh approves', async () => {
    const { tools, email, governance } = toolset(gov.agent());
    const model = scriptedModel('send_email', { to: 'ai@example.com' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'email ai' }];
    const first = await generateText({ model, tools, messages });
    expect(first.content.some((p) => p.type === 'tool-approval-request')).toBe(true);
    expect(email.calls).toEqual([]);

    const approved = await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'ai@example.com' }, true);
    const answer = await approvalResponses(governance, first.content);
    expect(answer?.content).toMatchObject([{ type: 'tool-approval-response', approved: true }]);
    await generateText({ model, tools, messages: [...messages, ...first.response.messages, answer!] });
    expect(email.calls).toEqual([approved.params]);
    expect((await gov.approver.getAction(approved.id)).status).toBe('succeeded');
  });

  it('never runs a call the approver denies', async () => {
    const { tools, email, governance } = toolset(gov.agent());
    const model = scriptedModel('send_email', { to: 'no-ai@example.com' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'email' }];
    const first = await generateText({ model, tools, messages });
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'no-ai@example.com' }, false, 'spam');
    const answer = await approvalResponses(governance, first.content);
    expect(answer?.content).toMatchObject([{ approved: false, reason: 'spam' }]);
    await generateText({ model, tools, messages: [...messages, ...first.response.messages, answer!] });
    expect(email.calls).toEqual([]);
  });

  it('turns arguments edited in the history after approval into a tool error the model reads, and never runs them', async () => {
    const { tools, email, governance } = toolset(gov.agent());
    const model = scriptedModel('send_email', { to: 'ok@example.com' });
    const messages: ModelMessage[] = [{ role: 'user', content: 'email ok' }];
    const first = await generateText({ model, tools, messages });
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'ok@example.com' }, true);
    const answer = await approvalResponses(governance, first.content);
    // Someone rewrites the approved call in the stored history before the next turn.
    const tampered = JSON.parse(
      JSON.stringify(first.response.messages).replaceAll('ok@example.com', 'attacker@example.com'),
    ) as ModelMessage[];
    const next = await generateText({ model, tools, messages: [...messages, ...tampered, answer!] });
    expect(next.text).toBe('done');
    expect(email.calls).toEqual([]);
    const prompt = JSON.stringify(model.doGenerateCalls.at(-1)?.prompt);
    expect(prompt).toContain('error-text');
    expect(prompt).toContain('no longer match what was approved, so the call was not run');
  });

  it('answers approvals without a reason when the approver gave none, never with the policy reason', async () => {
    const { governance } = toolset(gov.agent());
    const approvedCall = await generateText({
      model: scriptedModel('send_email', { to: 'quiet-yes@example.com' }),
      tools: toolset(gov.agent()).tools,
      prompt: 'email',
    });
    await gov.decideNext({ tool: 'send_email', match: (a) => a.params.to === 'quiet-yes@example.com' }, true);
    const yes = await approvalResponses(governance, approvedCall.content);
    expect(yes?.content).toEqual([expect.objectContaining({ approved: true })]);
    expect(yes?.content[0]).not.toHaveProperty('reason');

    const deniedCall = await generateText({
      model: scriptedModel('send_email', { to: 'quiet-no@example.com' }),
      tools: toolset(gov.agent()).tools,
      prompt: 'email',
    });
    const pending = (await gov.approver.listActions({ status: 'pending_approval', limit: 500 })).items.find(
      (a) => a.params.to === 'quiet-no@example.com',
    );
    await gov.approver.deny(pending!.id);
    const no = await approvalResponses(governance, deniedCall.content);
    expect(no?.content).toEqual([expect.objectContaining({ approved: false })]);
    expect(no?.content[0]).not.toHaveProperty('reason');
  });

  it('never runs a tool the policy denies; the model sees a tool error', async () => {
    const { tools, remove } = toolset(gov.agent());
    const result = await generateText({ model: scriptedModel('delete_file', { path: '/' }), tools, prompt: 'rm' });
    const error = result.steps[0]?.content.find((p) => p.type === 'tool-error');
    expect(String((error as { error?: unknown } | undefined)?.error)).toContain('Agents never delete files');
    expect(remove.calls).toEqual([]);
  });

  it('fails closed when the server is unreachable', async () => {
    const { tools, email } = toolset(await unreachableClient());
    await expect(
      generateText({ model: scriptedModel('send_email', { to: 'down@example.com' }), tools, prompt: 'email' }),
    ).rejects.toThrow(/cannot reach Faramesh/);
    expect(email.calls).toEqual([]);
  });
});
