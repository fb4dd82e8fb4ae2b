import type { ShadowSummaryRows } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { buildShadowReport } from './shadow-report.js';

const A1 = 'a'.repeat(64);
const A2 = 'b'.repeat(64);
const FACTS = {
  policyHash: 'c'.repeat(64),
  since: '2030-01-01T00:00:00.000Z',
  until: '2030-01-02T00:00:00.000Z',
  examples: 2,
};
const NO_SHELL = { index: 2, description: 'no shell' };
const ASK = { index: 4, description: 'ask first' };

function example(id: string, from: string, to: string, rule: typeof NO_SHELL | null) {
  return { action_id: id, created_at: FACTS.since, active_decision: from, shadow_decision: to, shadow_rule: rule };
}

describe('shadow report', () => {
  it('reports nothing changed when there are no disagreements', () => {
    expect(buildShadowReport({ submissions: 120, groups: [], examples: [] }, FACTS)).toEqual({
      policy_hash: FACTS.policyHash,
      active_policy_hashes: [],
      since: FACTS.since,
      until: FACTS.until,
      submissions: 120,
      disagreements: 0,
      transitions: [],
      rules: [],
    });
  });

  it('counts by old→new decision across rules and active policies, and by rule, largest first', () => {
    const rows: ShadowSummaryRows = {
      submissions: 120,
      groups: [
        { active_decision: 'allow', shadow_decision: 'deny', shadow_rule: NO_SHELL, active_policy_hash: A1, count: 5 },
        { active_decision: 'allow', shadow_decision: 'deny', shadow_rule: NO_SHELL, active_policy_hash: A2, count: 1 },
        { active_decision: 'allow', shadow_decision: 'deny', shadow_rule: null, active_policy_hash: A1, count: 2 },
        {
          active_decision: 'deny',
          shadow_decision: 'require_approval',
          shadow_rule: ASK,
          active_policy_hash: A1,
          count: 7,
        },
      ],
      examples: [
        example('e1', 'deny', 'require_approval', ASK),
        example('e2', 'allow', 'deny', NO_SHELL),
        example('e3', 'allow', 'deny', null),
        example('e4', 'allow', 'deny', NO_SHELL),
        example('e5', 'allow', 'deny', NO_SHELL),
      ],
    };
    const report = buildShadowReport(rows, FACTS);
    expect(report.disagreements).toBe(15);
    expect(report.active_policy_hashes).toEqual([A1, A2]);
    expect(report.transitions).toEqual([
      { from: 'allow', to: 'deny', count: 8, examples: ['e2', 'e3'] },
      { from: 'deny', to: 'require_approval', count: 7, examples: ['e1'] },
    ]);
    expect(report.rules).toEqual([
      { rule: ASK, from: 'deny', to: 'require_approval', count: 7, examples: ['e1'] },
      { rule: NO_SHELL, from: 'allow', to: 'deny', count: 6, examples: ['e2', 'e4'] },
      { rule: null, from: 'allow', to: 'deny', count: 2, examples: ['e3'] },
    ]);
  });

  it('orders equal counts by rule position, then decisions, so the report reads the same every time', () => {
    const rows: ShadowSummaryRows = {
      submissions: 120,
      groups: [
        { active_decision: 'deny', shadow_decision: 'allow', shadow_rule: ASK, active_policy_hash: A1, count: 1 },
        { active_decision: 'allow', shadow_decision: 'deny', shadow_rule: NO_SHELL, active_policy_hash: A1, count: 1 },
      ],
      examples: [],
    };
    const report = buildShadowReport(rows, FACTS);
    expect(report.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['allow>deny', 'deny>allow']);
    expect(report.rules.map((r) => r.rule?.index)).toEqual([2, 4]);
  });
});
