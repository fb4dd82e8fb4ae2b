import { describe, expect, it } from 'vitest';
import { readApprovalRequirement } from './approval-requirement-json.js';
import { evaluate } from './evaluate.js';
import { loadPolicy } from './load-policy.js';

const POLICY = `groups:
  finance: [alice, bob@corp.example]
rules:
  - match: { tool: stripe }
    require_approval: true
    approvers: [finance, "group:sre"]
    approvals: 2
    expires_in: 1h
    escalate: [{ after: 10m, approvers: ["user:carol"], notify: [finance] }]
`;

function storedRequirement(): unknown {
  const loaded = loadPolicy(POLICY, 'p.yaml');
  if (!loaded.ok) throw new Error('policy should load');
  const evaluation = evaluate(loaded.policy, {
    agent_id: 'a',
    tool: 'stripe',
    operation: 'x',
    params: {},
    context: {},
  });
  return JSON.parse(JSON.stringify(evaluation.approval));
}

describe('readApprovalRequirement', () => {
  it('reads back exactly what a decision stored', () => {
    const stored = storedRequirement();
    expect(readApprovalRequirement(stored)).toEqual(stored);
  });

  it('returns a frozen requirement', () => {
    const read = readApprovalRequirement(storedRequirement());
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read?.escalate[0]?.approvers)).toBe(true);
  });

  it.each([
    ['not an object', 'x'],
    ['approvals 0', { approvals: 0 }],
    ['fractional approvals', { approvals: 1.5 }],
    ['approvers not strings', { approvers: [1] }],
    ['zero window', { expires_in_ms: 0 }],
    [
      'steps out of order',
      {
        escalate: [
          { after_ms: 5, approvers: [], notify: [] },
          { after_ms: 5, approvers: [], notify: [] },
        ],
      },
    ],
    ['a step without notify', { escalate: [{ after_ms: 5, approvers: [] }] }],
    ['group members not strings', { groups: { finance: 'alice' } }],
  ])('refuses %s', (_what, change) => {
    const stored = typeof change === 'string' ? change : { ...(storedRequirement() as object), ...change };
    expect(readApprovalRequirement(stored)).toBeNull();
  });
});
