import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadPolicy } from './load-policy.js';

describe('loadPolicy', () => {
  it('uses the declared version and hashes the source text', () => {
    const source = 'version: "7"\nrules:\n  - { match: { tool: x }, allow: true }\n';
    const result = loadPolicy(source, 'p.yaml');
    expect(result.ok && result.policy.version).toBe('7');
    expect(result.ok && result.policy.hash).toBe(createHash('sha256').update(source).digest('hex'));
  });

  it('falls back to the first 12 hex digits of the hash as the version', () => {
    const result = loadPolicy('rules:\n  - { match: { tool: x }, allow: true }\n', 'p.yaml');
    expect(result.ok && result.policy.version).toBe(result.ok && result.policy.hash.slice(0, 12));
  });

  it('normalizes operation to op in rule info', () => {
    const result = loadPolicy('rules:\n  - { match: { tool: x, operation: y }, allow: true, name: n }\n', 'p.yaml');
    expect(result.ok && result.policy.rules[0]).toMatchObject({
      index: 0,
      name: 'n',
      effect: 'allow',
      match: { tool: 'x', op: 'y' },
      line: 2,
      column: 5,
    });
  });

  it('suggests the closest valid key for a typo', () => {
    const result = loadPolicy('rules:\n  - match: { tool: x, amount_gtt: 5 }\n    allow: true\n', 'p.yaml');
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      'p.yaml:2:23 error unknown_key: unknown key "amount_gtt" in `match`; did you mean "amount_gt"?',
    ]);
  });
});
