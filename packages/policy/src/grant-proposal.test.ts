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

  it('never offers a filesystem root: a path at the top is offered as exactly itself', () => {
    for (const path of ['/etc', '/.ssh', 'file:///x', 'C:\\boot.ini', '/']) {
      expect(proposeGrantScope(action('fs', { path })).params, path).toEqual({ path: { equals: path } });
    }
    expect(proposeGrantScope(action('fs', { path: '/etc/passwd' })).params).toEqual({ path: { path_under: '/etc' } });
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

  it('never offers a redacted value (a digest) as an exact value: the param is offered as any value', () => {
    const digest = `[redacted:hmac-sha256:${'a'.repeat(64)}]`;
    const stored = action('http', { url: 'https://api.example.com/x', api_key: digest, headers: { cookie: digest } });
    const proposal = proposeGrantScope(stored);
    expect(proposal.params).toEqual({
      url: { url_host: 'api.example.com' },
      api_key: { any: true },
      headers: { any: true },
    });
    const valid = validateGrantScope(proposal);
    expect(valid.ok).toBe(true);
    if (valid.ok) expect(matchGrantScope(valid.scope, stored)).toEqual({ ok: true });
  });
});

describe('grants and redacted values', () => {
  const digest = `[redacted:hmac-sha256:${'b'.repeat(64)}]`;

  it('refuses a scope that names a digest in any constraint', () => {
    for (const constraint of [{ equals: digest }, { equals: { cookie: digest } }, { command: `echo ${digest}` }]) {
      const result = validateGrantScope({
        tool: 'http',
        operation: 'post',
        agent_id: 'bot',
        params: { k: constraint },
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems[0]?.message).toContain('redacted value');
    }
  });

  it('never matches a call on a digest, even one sent verbatim by the agent', () => {
    const scope = { tool: 'http', operation: 'post', agent_id: 'bot', params: { api_key: { equals: digest } } };
    const call = { agent_id: 'bot', tool: 'http', operation: 'post', params: { api_key: digest } };
    expect(matchGrantScope(scope, call).ok).toBe(false);
  });
});
