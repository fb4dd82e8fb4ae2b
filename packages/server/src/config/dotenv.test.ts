import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';

describe('parseDotenv', () => {
  it('reads quotes, export and comments', () => {
    expect(parseDotenv('# c\nexport A=1\nB="two words"\nC=\'x#y\'\nD=plain # note\nE="a\\nb"\n').values).toEqual({
      A: '1',
      B: 'two words',
      C: 'x#y',
      D: 'plain',
      E: 'a\nb',
    });
  });

  it('reports lines it cannot read, by number, instead of guessing', () => {
    const { values, problems } = parseDotenv('A=1\nbad line\n9X=2\nC="open\n');
    expect(values).toEqual({ A: '1' });
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4]);
  });
});
