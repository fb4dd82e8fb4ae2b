import { describe, expect, it } from 'vitest';
import { validateGrantScope } from './grant-scope.js';

const base = { tool: 'shell', operation: 'run', agent_id: 'bot-1' };

function problems(input: unknown): string[] {
  const result = validateGrantScope(input);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('validateGrantScope', () => {
  it('accepts a scope with every kind of constraint and normalises paths and hosts', () => {
    const result = validateGrantScope({
      ...base,
      params: {
        cmd: { command: 'ls -la /tmp' },
        path: { path_under: '/srv/app/../data/' },
        url: { url_host: 'API.Example.com:8443' },
        amount: { at_most: 50 },
        currency: { equals: 'usd' },
        note: { any: true },
      },
    });
    expect(result).toEqual({
      ok: true,
      scope: {
        ...base,
        params: {
          cmd: { command: 'ls -la /tmp' },
          path: { path_under: '/srv/data' },
          url: { url_host: 'api.example.com:8443' },
          amount: { at_most: 50 },
          currency: { equals: 'usd' },
          note: { any: true },
        },
      },
    });
  });

  it('refuses a glob in tool or operation: a grant is for one tool and operation', () => {
    expect(problems({ ...base, tool: 'shell*' })).toEqual([
      'scope.tool: must be exact: a grant covers calls of one tool and operation',
    ]);
    expect(problems({ ...base, operation: '*' })[0]).toMatch(/^scope.operation: must be exact/);
  });

  it('wants exactly one of agent_id and agent_pattern, and a pattern with a *', () => {
    expect(problems({ tool: 'a', operation: 'b' })[0]).toMatch(/exactly one of agent_id/);
    expect(problems({ ...base, agent_pattern: 'bot-*' })[0]).toMatch(/exactly one of agent_id/);
    expect(problems({ tool: 'a', operation: 'b', agent_pattern: 'bot' })).toEqual([
      'scope.agent_pattern: has no *; use agent_id for one agent',
    ]);
    expect(validateGrantScope({ tool: 'a', operation: 'b', agent_pattern: 'bot-*' }).ok).toBe(true);
  });

  it('lists every problem: unknown fields, bad constraints, bad values', () => {
    expect(
      problems({
        ...base,
        extra: 1,
        params: {
          a: { at_most: -1 },
          b: { equals: 1, any: true },
          c: { like: 'x' },
          d: { any: false },
          e: { path_under: 'relative/dir' },
          f: { url_host: 'user@evil.com' },
          g: 'text',
        },
      }),
    ).toEqual([
      'scope.extra: is not a scope field (tool, operation, agent_id, agent_pattern, params)',
      'scope.params.a.at_most: must be a number of at least 0',
      'scope.params.b: must be an object with exactly one of command, path_under, url_host, at_most, equals, any',
      'scope.params.c.like: is not a constraint; use one of command, path_under, url_host, at_most, equals, any',
      'scope.params.d.any: must be true',
      'scope.params.e.path_under: must be one plain absolute path (it reads as "relative/dir")',
      'scope.params.f.url_host: must be a host name, optionally with :port (api.example.com, 10.0.0.5:8443)',
      'scope.params.g: must be an object with exactly one of command, path_under, url_host, at_most, equals, any',
    ]);
  });

  it('refuses a command the shell analysis cannot fully resolve', () => {
    expect(problems({ ...base, params: { cmd: { command: '$TOOL --help' } } })[0]).toMatch(
      /^scope.params.cmd.command: can't be fully analysed/,
    );
  });

  it('refuses path prefixes that read several ways or hold a NUL', () => {
    expect(problems({ ...base, params: { p: { path_under: '/a/%2e%2e/b' } } })[0]).toMatch(/one plain absolute path/);
    expect(problems({ ...base, params: { p: { path_under: '/a\u0000b' } } })[0]).toMatch(/can't be read as a path/);
  });

  it('refuses hostile param names and too many params', () => {
    const proto = JSON.parse('{"__proto__": {"any": true}}');
    expect(problems({ ...base, params: proto })).toEqual(['scope.params.__proto__: is not a usable param name']);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, { any: true }]));
    expect(problems({ ...base, params: many })).toEqual(['scope.params: constrains more than 64 params']);
  });

  it('refuses equals values too large to compare cheaply', () => {
    expect(problems({ ...base, params: { x: { equals: 'y'.repeat(20_000) } } })[0]).toMatch(/at most 16384 characters/);
  });

  it('is not an object: one clear problem', () => {
    expect(problems('shell')).toEqual(['scope: must be an object']);
    expect(problems(null)).toEqual(['scope: must be an object']);
  });
});
