import { describe, expect, it } from 'vitest';
import { normalizeShellCommand } from './shell-normalize.js';

describe('normalizeShellCommand', () => {
  it.each([
    ["r'm' -rf   /", 'rm -rf /'],
    ['"rm" -rf /', 'rm -rf /'],
    ['/bin/rm -rf /', 'rm -rf /'],
    ["$'\\162m' -rf /", 'rm -rf /'],
    ['r\\m -rf /', 'rm -rf /'],
    ['rm -rf \\\n /', 'rm -rf /'],
    ['a;b&&c||d|e&f', 'a ; b && c || d | e & f'],
    ['echo "a  b" > out.txt', 'echo a  b > out.txt'],
    ['echo "say \\"hi\\""', 'echo say "hi"'],
    ['env X=1 /usr/bin/python3 x.py', 'env X=1 python3 x.py'],
    ["echo 'never closed", 'echo never closed'],
    ['', ''],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeShellCommand(input)).toBe(expected);
  });

  it('only reduces command words, not arguments', () => {
    expect(normalizeShellCommand('cat /etc/passwd')).toBe('cat /etc/passwd');
  });
});
