import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadPolicy } from './load-policy.js';

const POLICY = `redact: [params.api_key]
rules:
  - match: { tool: http }
    allow: true
    redact: [context.authorization]
`;

describe('redact without a redaction key', () => {
  it('is an error at each redact key when the server has no key', () => {
    const loaded = loadPolicy(POLICY, 'p.yaml', { redactionKey: false });
    expect(loaded.ok).toBe(false);
    const errors = loaded.ok ? [] : loaded.diagnostics.map(formatDiagnostic);
    expect(errors).toEqual([
      expect.stringMatching(/^p\.yaml:1:1 error redaction_key_missing: .*FARAMESH_REDACTION_KEY/),
      expect.stringMatching(/^p\.yaml:5:5 error redaction_key_missing: /),
    ]);
  });

  it('loads with a key, and when the caller does not say (policy tools)', () => {
    for (const options of [{ redactionKey: true }, {}]) {
      const loaded = loadPolicy(POLICY, 'p.yaml', options);
      expect(loaded.ok && loaded.policy.redact).toEqual(['params.api_key']);
      expect(loaded.ok && loaded.policy.rules[0]?.redact).toEqual(['context.authorization']);
    }
  });

  it('lets an empty redact list load without a key', () => {
    const loaded = loadPolicy('redact: []\nrules:\n  - match: { tool: x }\n    deny: true\n', 'p.yaml', {
      redactionKey: false,
    });
    expect(loaded.ok).toBe(true);
  });
});
