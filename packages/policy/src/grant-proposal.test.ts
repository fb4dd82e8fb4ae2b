import { describe, expect, it } from 'vitest';
import { matchGrantScope } from './grant-match.js';
import { proposeGrantScope } from './grant-proposal.js';
import { validateGrantScope } from './grant-scope.js';

const action = (tool: string, params: Record<string, unknown>) => ({
  agent_id: 'bot-1',
  tool,
  operation: 'run',
  params,
});

describe('proposeGrantScope', () => {
  it('proposes the same command for a shell call', () => {
    expect(proposeGrantScope(action('shell', { cmd: 'ls -la /tmp' }))).toEqual({
      tool: 'shell',
      operation: 'run',
      agent_id: 'bot-1',
      params: { cmd: { command: 'ls -la /tmp' } },
    });
  });

  it('proposes the directory of a path, the host of a URL, amounts up to this one, other values exactly', () => {
    const proposal = proposeGrantScope(
      action('http', {
        path: '/srv/data/report.csv',
        url: 'https://api.example.com/v1/x',
        amount: 40,
        currency: 'usd',
        options: { retry: true },
      }),
    );
    expect(proposal.params).toEqual({
      path: { path_under: '/srv/data' },
      url: { url_host: 'api.example.com' },
      amount: { at_most: 40 },
      currency: { equals: 'usd' },
      options: { equals: { retry: true } },
    });
  });

  it('falls back to the exact value where no looser constraint is safe', () => {
    expect(proposeGrantScope(action('shell', { cmd: '$X' })).params).toEqual({ cmd: { equals: '$X' } });
    expect(proposeGrantScope(action('fs', { path: 'relative/x' })).params).toEqual({ path: { equals: 'relative/x' } });
    expect(proposeGrantScope(action('fs', { amount: -3 })).params).toEqual({ amount: { equals: -3 } });
    expect(proposeGrantScope(action('fs', { url: 'https://u:p@h.example/' })).params).toEqual({
      url: { equals: 'https://u:p@h.example/' },
    });
  });

  it('always proposes a valid scope that covers the action it came from', () => {
    const samples = [
      action('shell', { cmd: 'git status', cwd: '/repo' }),
      action('fs', { files: ['/a/b', '/a/c'] }),
      action('stripe', { amount: 12.5, customer: 'cus_1' }),
      action('fs', { path: '/' }),
    ];
    for (const sample of samples) {
      const proposal = proposeGrantScope(sample);
      const valid = validateGrantScope(proposal);
      expect(valid.ok).toBe(true);
      if (valid.ok) expect(matchGrantScope(valid.scope, sample)).toEqual({ ok: true });
    }
  });
});
