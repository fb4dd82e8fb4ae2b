// @vitest-environment happy-dom
import '../test/setup.js';
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../api/explanation.js';
import { PolicyTrace } from './policy-trace.js';

const explanation: Explanation = {
  decision: 'require_approval',
  reason: 'Shell commands require approval',
  reason_code: 'rule_require_approval',
  risk_level: 'high',
  risk_rule: 'dangerous_shell',
  matched_rule: { index: 1, description: 'Shell commands require approval' },
  rules: [
    {
      index: 0,
      name: null,
      description: 'Allow HTTP GET requests',
      effect: 'allow',
      status: 'not_matched',
      conditions: [{ key: 'tool', expected: 'http', actual: 'shell', matched: false }],
    },
    {
      index: 1,
      name: null,
      description: 'Shell commands require approval',
      effect: 'require_approval',
      status: 'matched',
      conditions: [],
    },
    { index: 2, name: null, description: 'Default deny rule', effect: 'deny', status: 'not_evaluated', conditions: [] },
  ],
  risk: [
    {
      index: 0,
      name: 'dangerous_shell',
      risk_level: 'high',
      status: 'matched',
      conditions: [{ key: 'pattern', expected: 'rm -rf', actual: 'rm -rf /\u202E', matched: true }],
    },
  ],
  normalized_command: 'rm -rf /',
};

describe('PolicyTrace', () => {
  it('lists every rule in order with why it matched, failed or was never reached', () => {
    const { container } = render(<PolicyTrace explanation={explanation} />);
    const items = [...container.querySelectorAll('.trace-item')].map((li) => li.textContent ?? '');
    expect(items[0]).toMatch(/Allow HTTP GET requests.*did not match.*tool expected "http", got "shell"/);
    expect(items[1]).toMatch(/Shell commands require approval.*matched/);
    expect(items[2]).toMatch(/not reached/);
    expect(items[3]).toMatch(/dangerous_shell.*High risk/);
  });

  it('reveals hidden characters in the values a condition saw', () => {
    const { container } = render(<PolicyTrace explanation={explanation} />);
    expect(container.textContent).toContain('⟨U+202E⟩');
  });

  it('lists the commands the shell command line would run, and why it was not fully understood', () => {
    const shell = {
      commands: [
        { name: 'ls', path: 'ls', args: ['$(rm -rf /)'], dynamic_args: true, assignments: [], via: [] },
        { name: 'rm', path: 'rm', args: ['-rf', '/'], dynamic_args: false, assignments: [], via: ['$(…)'] },
      ],
      redirects: [],
      complete: false,
      problems: ['command name known only at run time: $X'],
    };
    const { container } = render(<PolicyTrace explanation={{ ...explanation, shell }} />);
    expect(container.textContent).toContain('Commands that would run:');
    expect(container.textContent).toContain('rm -rf / via $(…)');
    expect(container.textContent).toContain('Not fully understood');
    expect(container.textContent).toContain('command name known only at run time: $X');
  });

  it('shows the limit of the deciding rule with its usage and whether the call fits', () => {
    const limit = {
      rule: 1,
      text: 'limit 20 per 1h by agent_id',
      key: 'a'.repeat(64),
      measure: 'count' as const,
      sum: null,
      max: 20,
      per_ms: 3_600_000,
      by: ['agent_id'],
      over_limit: 'require_approval' as const,
      amount: 1,
      used: 20,
      reached: true,
    };
    const over = render(<PolicyTrace explanation={{ ...explanation, limit }} />);
    expect(over.container.querySelector('.limit-note')?.textContent).toBe(
      'Limit of rule 2: limit 20 per 1h by agent_id — 20 used in its window now, this call 1: over the limit now, so Require approval.',
    );
    const within = render(
      <PolicyTrace explanation={{ ...explanation, limit: { ...limit, used: 3, reached: false } }} />,
    );
    expect(within.container.querySelector('.limit-note')?.textContent).toContain(
      '3 used in its window now, this call 1: within the limit now',
    );
  });
});
