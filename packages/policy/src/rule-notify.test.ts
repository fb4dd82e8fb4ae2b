import { describe, expect, it } from 'vitest';
import { loadPolicy } from './load-policy.js';

const POLICY = `rules:
  - match: { tool: shell, op: "*" }
    require_approval: true
    notify: [ops-webhook, finance]
  - match: { tool: "*", op: "*" }
    deny: true
`;

describe('notify on rules', () => {
  it('keeps the channel names on the rule', () => {
    const loaded = loadPolicy(POLICY, 'p.yaml', { channels: new Set(['ops-webhook', 'finance']) });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    expect(loaded.policy.rules[0]?.notify).toEqual(['ops-webhook', 'finance']);
    expect(loaded.policy.rules[1]).not.toHaveProperty('notify');
  });

  it('reports a channel that is not configured at its line and column', () => {
    const loaded = loadPolicy(POLICY, 'p.yaml', { channels: new Set(['ops-webhook']) });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.diagnostics).toMatchObject([
      {
        code: 'unknown_channel',
        path: 'rules[0].notify[1]',
        line: 4,
        column: 27,
        message: 'no channel named "finance"; configured: ops-webhook',
      },
    ]);
  });

  it('checks names only when the channels are known, but always their shape', () => {
    expect(loadPolicy(POLICY, 'p.yaml').ok).toBe(true);
    const bad = loadPolicy(POLICY.replace('[ops-webhook, finance]', '[Ops Hook, 3]'), 'p.yaml');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['invalid_channel', 'invalid_channel']);
    const notList = loadPolicy(POLICY.replace('[ops-webhook, finance]', 'ops-webhook'), 'p.yaml');
    expect(notList.ok).toBe(false);
  });
});
