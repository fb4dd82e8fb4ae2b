import type { Action } from '@faramesh/contract';
import { describe, expect, it } from 'vitest';
import { summaryCell } from './summary-cell.js';

const action = (summary: string | undefined, params: Record<string, unknown> = {}) =>
  ({ params, ...(summary === undefined ? {} : { summary }) }) as Action;

describe('summaryCell', () => {
  it('shows hidden and control characters as markers, never raw', () => {
    const cell = summaryCell(action('rm\u200b -rf /\u001b[2J'));
    expect(cell).toBe('rm⟨U+200B⟩ -rf /⟨U+001B⟩[2J');
    expect(cell).not.toContain('\u200b');
    expect(cell).not.toContain('\u001b');
  });

  it('cuts to the width with ..., never inside a marker', () => {
    expect(summaryCell(action('kubectl delete pod web-1'), 12)).toBe('kubectl d...');
    expect(summaryCell(action('ab\u200bcdefghijkl'), 10)).toBe('ab...');
    expect(summaryCell(action('exactly ten'), 11)).toBe('exactly ten');
  });

  it('falls back to the params as JSON for servers that send no summary', () => {
    expect(summaryCell(action(undefined, { cmd: 'ls' }))).toBe('{"cmd": "ls"}');
  });
});
