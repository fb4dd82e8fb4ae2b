import { describe, expect, it } from 'vitest';
import { parseCaseFile } from './case-file.js';

function codesOf(quorum: string): string[] {
  const source = `name: q
policy: |
  rules:
    - match: { tool: x }
      require_approval: true
cases:
  - name: c
    action: { tool: x, principal: { name: agent-1, role: agent } }
    expect: { decision: require_approval }
    quorum:
${quorum.replace(/^/gm, '      ')}
`;
  const parsed = parseCaseFile(source, 'q.yaml');
  return parsed.ok ? [] : parsed.diagnostics.map((d) => `${d.code} ${d.path}`).sort();
}

describe('quorum case format', () => {
  it('accepts a timeline of steps', () => {
    expect(codesOf('steps:\n  - { at: 0s, approve: alice, expect: { outcome: approved } }')).toEqual([]);
  });

  it('reports a step that does two things', () => {
    expect(codesOf('steps:\n  - { at: 0s, approve: alice, deny: bob }')).toEqual([
      'invalid_value cases[0].quorum.steps[0]',
    ]);
  });

  it('reports steps that go back in time', () => {
    expect(codesOf('steps:\n  - { at: 5m }\n  - { at: 1m }')).toEqual(['invalid_value cases[0].quorum.steps[1].at']);
  });

  it('reports unknown expectations and values', () => {
    expect(codesOf('steps:\n  - { at: 0s, approve: a, expect: { outcome: maybe, result: x } }')).toEqual([
      'invalid_value cases[0].quorum.steps[0].expect.outcome',
      'unknown_key cases[0].quorum.steps[0].expect.result',
    ]);
  });

  it('needs steps, and each step a time', () => {
    expect(codesOf('default_ttl: 1h')).toEqual(['missing_steps cases[0].quorum.steps']);
    expect(codesOf('steps:\n  - { approve: a }')).toEqual(['missing_at cases[0].quorum.steps[0].at']);
  });
});
