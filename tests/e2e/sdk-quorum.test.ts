import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action } from '@faramesh/contract';
import { authorize, FarameshClient, FarameshError } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './harness.js';

const POLICY = `
groups:
  finance: [alice, bob]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    approvers: [finance]
    approvals: 2
  - match: { tool: "*" }
    allow: true
`;
const TOKENS = { alice: 'alice-token-0001', bob: 'bob-token-00002', erin: 'erin-token-0005', bot: 'bot-token-000006' };

let server: RunningServer;
const client = (who: keyof typeof TOKENS) => new FarameshClient({ baseUrl: server.url, token: TOKENS[who] });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-sdk-quorum-'));
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  server = await startServer({
    dir,
    env: {
      FARAMESH_TOKENS: Object.entries(TOKENS)
        .map(([name, token]) => `${name}:${name === 'bot' ? 'agent' : 'approver'}:${token}`)
        .join(','),
    },
  });
});
afterAll(async () => {
  await server?.stop();
});

async function pendingRefund(): Promise<Action> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { items } = await client('alice').listActions({ status: 'pending_approval', tool: 'stripe' });
    if (items[0] !== undefined) return items[0];
    if (Date.now() > deadline) throw new Error('no pending refund');
    await new Promise((wake) => setTimeout(wake, 25));
  }
}

describe('waiting on a 2-of-N quorum from the TypeScript SDK', () => {
  it('resolves only on the final approval and reports the partial one through onProgress', async () => {
    const progress: Action[] = [];
    const waiting = authorize(
      client('bot'),
      { agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 5000 } },
      { onProgress: (action) => progress.push(action) },
    );
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    const pending = await pendingRefund();
    const partial = await client('alice').approve(pending.id, { reason: 'order checked' });
    expect(partial).toMatchObject({ status: 'pending_approval', approvals_required: 2 });
    const deadline = Date.now() + 10_000;
    while (progress.length === 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 25));
    expect(settled).toBe(false);
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatchObject({
      status: 'pending_approval',
      approvals: [{ by: 'alice', reason: 'order checked' }],
      waiting_for: { identities: ['bob'], text: 'finance' },
    });
    await client('bob').approve(pending.id);
    const approved = await waiting;
    expect(approved).toMatchObject({ status: 'approved', approvals: [{ by: 'alice' }, { by: 'bob' }] });
  });

  it('rebuilds not_an_approver as a FarameshError with who may in its details', async () => {
    const action = await client('bot').submitAction({ agent_id: 'bot', tool: 'stripe', operation: 'refund' });
    const error = await client('erin')
      .approve(action.id)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FarameshError);
    expect(error).toMatchObject({ code: 'not_an_approver', details: { who_may: { text: 'finance' } } });
  });
});
