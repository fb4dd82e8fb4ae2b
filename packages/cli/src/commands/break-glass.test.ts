import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FarameshClient } from '@faramesh/sdk';
import { createSqliteStore } from '@faramesh/store';
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
const TOKENS = { carol: 'carol-token-0003', alice: 'alice-token-0001', bot: 'bot-token-000006' };

let srv: TestServer;
let dir: string;
const env = (who: keyof typeof TOKENS) => ({ ...srv.env, FARAMESH_TOKEN: TOKENS[who] });

beforeAll(async () => {
  dir = tempDir();
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  srv = await startServer({
    policyFile: join(dir, 'policy.yaml'),
    store: createSqliteStore({ path: join(dir, 'actions.db') }),
    env: {
      FARAMESH_TOKENS: `carol:admin:${TOKENS.carol},alice:approver:${TOKENS.alice},bot:agent:${TOKENS.bot}`,
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

const doctor = () =>
  cli(['doctor', '--policy', join(dir, 'policy.yaml'), '--db', join(dir, 'actions.db')], { cwd: dir, env: srv.env });

describe('approve --break-glass, reviews and doctor', () => {
  it('needs a reason, approves past the quorum, and stays in doctor until another approver acknowledges it', async () => {
    const action = await refund();
    const short = action.id.slice(0, 8);
    const noReason = await cli(['approve', short, '--break-glass'], { env: env('carol') });
    expect([noReason.code, noReason.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(noReason.stderr).toContain('--break-glass needs --reason');
    const invisible = await cli(['approve', short, '--break-glass', '--reason', ' \u200b\u2060 '], {
      env: env('carol'),
    });
    expect([invisible.code, invisible.stderr]).toEqual([2, expect.stringContaining('--break-glass needs --reason')]);

    const broken = await cli(['approve', short, '--break-glass', '--reason', 'payments outage'], { env: env('carol') });
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.stdout).toContain(`Broke glass: approved ${short} (stripe refund) past its approvers`);

    const listed = await cli(['reviews', 'list'], { env: env('alice') });
    expect(listed.stdout).toMatch(
      new RegExp(`^${short}  open  broken by carol at \\S+  stripe refund  reason: payments outage$`, 'm'),
    );
    const before = await doctor();
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('✗ 1 break-glass approval(s) not reviewed yet');
    expect(before.stdout).toContain(`${action.id} stripe refund: broken by carol`);
    // Without the database at hand, doctor asks the running server (as an approver).
    const remote = await cli(['doctor', '--policy', join(dir, 'policy.yaml'), '--db', join(dir, 'elsewhere.db')], {
      cwd: dir,
      env: env('alice'),
    });
    expect(remote.code).toBe(1);
    expect(remote.stdout).toContain('✗ 1 break-glass approval(s) not reviewed yet');
    expect(remote.stdout).toContain(`${action.id} stripe refund: broken by carol`);

    const self = await cli(['reviews', 'ack', short], { env: env('carol') });
    expect([self.code, self.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(self.stderr).toContain('may not acknowledge its review');
    const acked = await cli(['reviews', 'ack', short, '--note', 'refund was due'], { env: env('alice') });
    expect(acked.code, acked.stderr).toBe(0);
    expect(acked.stdout).toContain(`Acknowledged the break-glass review of ${short} (stripe refund, broken by carol)`);

    expect((await cli(['reviews', 'list'], { env: env('alice') })).stdout).toBe(
      'No break-glass approval waits for review.\n',
    );
    const all = await cli(['--json', 'reviews', 'list', '--status', 'all'], { env: env('alice') });
    expect(JSON.parse(all.stdout)).toMatchObject([
      { action_id: action.id, acknowledged_by: 'alice', note: 'refund was due' },
    ]);
    expect((await doctor()).stdout).not.toContain('break-glass');
  });

  it('refuses --break-glass with a standing grant in one line, and leaves the action pending', async () => {
    const action = await refund();
    for (const flags of [['--grant-for', '2h'], ['--grant-for', '2h', '--grant-uses', '3'], ['--grant-high-risk']]) {
      const refused = await cli(['approve', action.id, '--break-glass', '--reason', 'outage', ...flags], {
        env: env('carol'),
      });
      expect([refused.code, refused.stderr.trim().split('\n').length]).toEqual([2, 1]);
      expect(refused.stderr).toContain("--break-glass can't make a standing grant");
    }
    const client = new FarameshClient({ baseUrl: srv.url, token: TOKENS.carol });
    expect((await client.getAction(action.id)).status).toBe('pending_approval');
  });

  it('refuses break-glass by an approver and a bad --status in one line each', async () => {
    const action = await refund();
    const refused = await cli(['approve', action.id, '--break-glass', '--reason', 'x'], { env: env('alice') });
    expect([refused.code, refused.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(refused.stderr).toContain('may not break glass');
    const bad = await cli(['reviews', 'list', '--status', 'closed'], { env: env('alice') });
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      expect.stringContaining('--status must be one of open, acknowledged, all'),
    ]);
  });
});
