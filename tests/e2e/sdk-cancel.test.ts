import type { Action } from '@faramesh/contract';
import { ActionCancelledError, authorize, FarameshError, govern, type StreamEvent } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingFunction, type GovernanceServer, startGovernanceServer } from '../integrations/harness.js';

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

/** The pending send_email action addressed to `to`, once the server holds it. */
async function pendingTo(to: string): Promise<Action> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { items } = await gov.approver.listActions({ status: 'pending_approval', tool: 'send_email' });
    const found = items.find((a) => a.params.to === to);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no pending action to ${to}`);
    await new Promise((wake) => setTimeout(wake, 25));
  }
}

describe('withdrawing actions from the SDK', () => {
  it('cancels the pending action when the waiting call is aborted, and rejects with an AbortError', async () => {
    const tool = countingFunction((args: { to: string }) => `sent to ${args.to}`);
    const abort = new AbortController();
    const send = govern(tool.fn, {
      client: gov.agent(),
      tool: 'send_email',
      operation: 'send',
      agentId: 'sdk-cancel',
      signal: abort.signal,
    });
    const call = send({ to: 'abort@example.com' }).catch((e: unknown) => e);
    const pending = await pendingTo('abort@example.com');
    abort.abort();
    const error = await call;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(tool.calls).toEqual([]);
    const after = await gov.approver.getAction(pending.id);
    expect(after.status).toBe('cancelled');
    const events = await gov.approver.getEvents(pending.id);
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'cancelled']);
    expect(events[2]?.meta).toMatchObject({ by: 'agent', role: 'agent', from: 'pending_approval' });
    expect(String(events[2]?.meta.reason)).toContain('interrupted');
  });

  it('rejects with the caller’s own abort reason and still withdraws the action', async () => {
    const abort = new AbortController();
    const request = {
      agent_id: 'sdk-cancel',
      tool: 'send_email',
      operation: 'send',
      params: { to: 'why@example.com' },
    };
    const call = authorize(gov.agent(), request, { signal: abort.signal }).catch((e: unknown) => e);
    const pending = await pendingTo('why@example.com');
    const reason = new Error('the user closed the chat');
    abort.abort(reason);
    expect(await call).toBe(reason);
    expect((await gov.approver.getAction(pending.id)).status).toBe('cancelled');
  });

  it('cancels by id, publishes action.cancelled, and answers ActionCancelledError to a re-submission', async () => {
    const agent = gov.agent();
    const request = { agent_id: 'sdk-cancel', tool: 'send_email', operation: 'send', params: { to: 'id@example.com' } };
    const submitted = await agent.submitAction(request, { idempotencyKey: 'cancel-by-id' });
    const cancelled = await agent.cancelAction(submitted.id, { reason: 'no longer needed' });
    expect(cancelled.status).toBe('cancelled');
    let frame: StreamEvent | undefined;
    for await (const event of gov.approver.stream({ filters: { status: 'cancelled' }, lastEventId: '0' })) {
      if (event.data.action.id !== submitted.id) continue;
      frame = event;
      break;
    }
    expect(frame).toMatchObject({ event: 'action.cancelled', data: { event: { event_type: 'cancelled' } } });
    const again = await authorize(agent, request, { idempotencyKey: 'cancel-by-id' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ActionCancelledError);
    expect((again as ActionCancelledError).code).toBe('action_cancelled');
  });

  it('refuses a cancel from an approver who did not submit the action (403 forbidden)', async () => {
    const request = { agent_id: 'sdk-cancel', tool: 'send_email', operation: 'send', params: { to: 'no@example.com' } };
    const submitted = await gov.agent().submitAction(request);
    const refused = await gov.approver.cancelAction(submitted.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FarameshError);
    expect(refused).toMatchObject({ code: 'forbidden', status: 403 });
    expect((await gov.approver.getAction(submitted.id)).status).toBe('pending_approval');
  });
});
