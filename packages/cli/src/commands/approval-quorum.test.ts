import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer, tempDir } from '../testing/harness.js';

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

let srv: TestServer;
const env = (who: keyof typeof TOKENS) => ({ ...srv.env, FARAMESH_TOKEN: TOKENS[who] });

beforeAll(async () => {
  const policyFile = join(tempDir(), 'policy.yaml');
  writeFileSync(policyFile, POLICY);
  srv = await startServer({
    policyFile,
    env: {
      FARAMESH_TOKENS: `alice:approver:${TOKENS.alice},bob:approver:${TOKENS.bob},erin:approver:${TOKENS.erin},bot:agent:${TOKENS.bot}`,
    },
  });
});
afterAll(async () => {
  await srv.close();
});

const refund = () =>
  new FarameshClient({ baseUrl: srv.url, token: TOKENS.bot }).submitAction({
    agent_id: 'bot',
    tool: 'stripe',
    operation: 'refund',
    params: { amount: 5000 },
  });

describe('approve with a quorum', () => {
  it('prints the progress after a partial approval and the count once approved', async () => {
    const action = await refund();
    const short = action.id.slice(0, 8);
    const first = await cli(['approve', short, '--reason', 'checked the order'], { env: env('alice') });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`✓ Approved ${short} (stripe refund): approved 1 of 2; waiting for finance\n`);
    const get = await cli(['get', short], { env: env('alice') });
    expect(get.stdout).toMatch(/Approvals:\s+1 of 2: alice at .* \("checked the order"\)/);
    expect(get.stdout).toMatch(/Waiting For:\s+finance/);
    const second = await cli(['approve', short], { env: env('bob') });
    expect(second.stdout).toBe(`✓ Approved ${short} (stripe refund): approved (2 of 2 approvals)\n`);
  });

  it('prints the server refusal in one line for someone outside the approvers, exit 1', async () => {
    const action = await refund();
    const out = await cli(['approve', action.id.slice(0, 8)], { env: env('erin') });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^error not_an_approver: erin may not decide on this action; waiting for finance/);
  });
});

describe('list --mine', () => {
  it('lists only the pending actions the caller may decide now', async () => {
    const action = await refund();
    const short = action.id.slice(0, 8);
    expect((await cli(['list', '--mine'], { env: env('alice') })).stdout).toContain(short);
    expect((await cli(['list', '--mine'], { env: env('erin') })).stdout).toBe('Nothing is waiting for you.\n');
    await cli(['approve', short], { env: env('alice') });
    expect((await cli(['list', '--mine'], { env: env('alice') })).stdout).not.toContain(short);
    const json = JSON.parse((await cli(['list', '--mine', '--json'], { env: env('bob') })).stdout);
    expect(json.items.map((item: { id: string }) => item.id)).toContain(action.id);
  });
});
