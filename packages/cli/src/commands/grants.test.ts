import { FarameshClient } from '@faramesh/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startServer, type TestServer } from '../testing/harness.js';

const TOKENS = { alice: 'alice-token-0001', bot: 'bot-token-000006' };

let srv: TestServer;
const env = (who: keyof typeof TOKENS) => ({ ...srv.env, FARAMESH_TOKEN: TOKENS[who] });
const bot = () => new FarameshClient({ baseUrl: srv.url, token: TOKENS.bot });
const LS = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } };

beforeAll(async () => {
  // The default policy sends shell commands to approval.
  srv = await startServer({
    env: { FARAMESH_TOKENS: `alice:approver:${TOKENS.alice},bot:agent:${TOKENS.bot}`, FARAMESH_GRANT_MAX_TTL: '7200' },
  });
});
afterAll(async () => {
  await srv.close();
});

describe('approve --grant-for and the grants commands', () => {
  it('approves with the proposed grant, lists, shows and revokes it', async () => {
    const first = await bot().submitAction(LS);
    const short = first.id.slice(0, 8);
    const approved = await cli(['approve', short, '--grant-for', '2h', '--grant-uses', '3'], { env: env('alice') });
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(
      /^✓ Approved .*\n {2}also allowed for 2h: shell run by bot: cmd = ls -la \/tmp \(at most 3 uses\)\n$/,
    );
    expect(await bot().submitAction(LS)).toMatchObject({ status: 'allowed', reason_code: 'grant' });

    const listed = await cli(['grants', 'list', '--json'], { env: env('alice') });
    const [grant] = JSON.parse(listed.stdout);
    expect(grant).toMatchObject({ action_id: first.id, uses: 1, max_uses: 3, state: 'active' });
    const shown = await cli(['grants', 'show', grant.id], { env: env('alice') });
    expect(shown.stdout).toContain('uses:      1 of 3');
    // The 8 characters `grants list` prints name the grant, as they do an action.
    const byPrefix = await cli(['grants', 'show', grant.id.slice(0, 8).toUpperCase()], { env: env('alice') });
    expect([byPrefix.code, byPrefix.stdout]).toEqual([0, shown.stdout]);
    const unknown = await cli(['grants', 'show', 'ffffffffff'], { env: env('alice') });
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, expect.stringContaining('no grant id starts with')]);

    const revoked = await cli(['grants', 'revoke', grant.id.slice(0, 8), '--reason', 'done'], { env: env('alice') });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/Revoked grant/);
    expect(await bot().submitAction(LS)).toMatchObject({ status: 'pending_approval' });
    expect((await cli(['grants', 'list'], { env: env('alice') })).stdout).toMatch(/^No active grants/);
  });

  it('approves with a tightened --grant-scope given as JSON', async () => {
    const first = await bot().submitAction({ ...LS, params: { path: '/srv/data/a.csv' }, operation: 'read' });
    const scope = { tool: 'shell', operation: 'read', agent_id: 'bot', params: { path: { path_under: '/srv/data' } } };
    const out = await cli(['approve', first.id, '--grant-for', '30m', '--grant-scope', JSON.stringify(scope)], {
      env: env('alice'),
    });
    expect(out.code).toBe(0);
    const next = await bot().submitAction({ ...LS, params: { path: '/srv/data/b.csv' }, operation: 'read' });
    expect(next.reason_code).toBe('grant');
  });

  it('prints one readable line and exits non-zero on bad grant input', async () => {
    const action = await bot().submitAction(LS);
    const cases: Array<[string[], RegExp]> = [
      [['--grant-for', '3h'], /^error grant_ttl_too_long: a grant may last at most 2h/],
      [['--grant-for', 'soon'], /^error: invalid value 'soon' for --grant-for/],
      [['--grant-uses', '2'], /^error: --grant-uses only go with approve --grant-for/],
      [['--grant-for', '1h', '--grant-scope', '{nope'], /^error: invalid value for --grant-scope: not JSON/],
      [['--grant-for', '1h', '--grant-scope', '{"tool":"shell"}'], /^error grant_invalid: invalid grant scope/],
      [['--grant-for', '1h', '--grant-uses', '0'], /^error: invalid value '0' for --grant-uses/],
    ];
    for (const [flags, message] of cases) {
      const out = await cli(['approve', action.id, ...flags], { env: env('alice') });
      // One error line (a scope's further problems follow it, indented).
      const errorLines = out.stderr.split('\n').filter((line) => line.startsWith('error'));
      expect({ flags, failed: out.code !== 0, errorLines: errorLines.length }).toEqual({
        flags,
        failed: true,
        errorLines: 1,
      });
      expect(out.stderr).toMatch(message);
    }
    const missing = await cli(['grants', 'show', '00000000-0000-4000-8000-000000000000'], { env: env('alice') });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/^error grant_not_found: no grant/);
    expect((await bot().getAction(action.id)).status).toBe('pending_approval');
  });
});
