import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's examples, run as written: each ```js block is a module run by Node from this package
// (so `@faramesh/policy` is the built package), with each `console.log(EXPR); // → VALUE` line
// turned into a check that EXPR deep-equals VALUE.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

function checked(block: string): { code: string; outputs: number } {
  let outputs = 0;
  const body = block.replace(/^console\.log\((.*)\); \/\/ → (.*)$/gm, (_, expr: string, value: string) => {
    outputs++;
    return `assert.deepStrictEqual(${expr}, ${value}, ${JSON.stringify(`output ${outputs}`)});`;
  });
  return { code: `import assert from 'node:assert';\n${body}`, outputs };
}

describe('packages/policy/README.md', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThanOrEqual(5));
  it.each(blocks.map((block, i) => [i + 1, block]))('example %i prints what the README says', (_i, block) => {
    const { code, outputs } = checked(block as string);
    expect(outputs).toBeGreaterThan(0);
    execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: packageDir, stdio: 'pipe' });
  });
});
