import { SUMMARY_MAX_CHARS } from '@faramesh/contract';
import { describe, expect, it } from 'vitest';
import { actionSummary } from './action-summary.js';

describe('actionSummary', () => {
  it('shows the shell command as the policy normalizes it', () => {
    expect(actionSummary({ cmd: "  /bin/r'm'   -rf /tmp/x  " })).toBe('rm -rf /tmp/x');
    expect(actionSummary({ command: 'kubectl delete pod web-1', timeout: 30 })).toBe('kubectl delete pod web-1');
  });

  it('shows method and URL, the method uppercased', () => {
    expect(actionSummary({ method: 'post', url: 'https://api.example.com/v1/refunds', body: { a: 1 } })).toBe(
      'POST https://api.example.com/v1/refunds',
    );
    expect(actionSummary({ url: 'https://example.com' })).toBe('https://example.com');
  });

  it('shows amount, currency and customer of a payment', () => {
    expect(actionSummary({ amount: 1250.5, currency: 'usd', customer: 'cus_42', memo: 'x' })).toBe(
      '1250.5 USD · customer cus_42',
    );
    expect(actionSummary({ amount: '99.00' })).toBe('99.00');
  });

  it('shows the paths of file tools', () => {
    expect(actionSummary({ path: '/etc/passwd', content: 'secret' })).toBe('/etc/passwd');
    expect(actionSummary({ paths: ['a.txt', 'b.txt', 3] })).toBe('a.txt, b.txt');
    expect(actionSummary({ source: '/a', destination: '/b' })).toBe('source: /a · destination: /b');
  });

  it('falls back to compact params with keys in canonical order', () => {
    expect(actionSummary({ query: 'select 1', limit: 5, opts: { b: [true, null], a: 'x' } })).toBe(
      'limit=5 opts={"a":"x","b":[true,null]} query="select 1"',
    );
    expect(actionSummary({})).toBe('');
  });

  it('keeps invisible characters as sent, for clients to reveal', () => {
    expect(actionSummary({ cmd: 'ls\u200b -la' })).toBe("'ls\u200b' -la");
    expect(actionSummary({ url: 'https://exa\u202emple.com' })).toBe('https://exa\u202emple.com');
  });

  it('never exceeds SUMMARY_MAX_CHARS code points and marks a cut with …', () => {
    const long = actionSummary({ cmd: `echo ${'a'.repeat(5000)}` });
    expect(Array.from(long)).toHaveLength(SUMMARY_MAX_CHARS);
    expect(long.endsWith('…')).toBe(true);
    const emoji = actionSummary({ path: '😀'.repeat(1000) });
    expect(Array.from(emoji)).toHaveLength(SUMMARY_MAX_CHARS);
    expect(emoji.startsWith('😀😀')).toBe(true);
    // Whitespace collapses, but what lay past the part that was read is still marked as left out.
    expect(actionSummary({ cmd: `${' '.repeat(3000)}rm -rf /` }).endsWith('…')).toBe(true);
    const wide = actionSummary({ data: Array.from({ length: 100_000 }, (_, i) => ({ i })) });
    expect(Array.from(wide)).toHaveLength(SUMMARY_MAX_CHARS);
    expect(wide.startsWith('data=[{"i":0},{"i":1}')).toBe(true);
  });
});
