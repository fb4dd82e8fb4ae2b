import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['365d', 31_536_000_000],
  ])('reads %s', (text, ms) => expect(parseDuration(text)).toEqual({ ms }));

  it.each(['', '10', '10 m', ' 10m', '1.5h', '-5m', '+5m', '1w', '10M', '1h30m', '0x10s', '366d', '0s'])(
    'refuses %j',
    (text) => expect(parseDuration(text)).toHaveProperty('problem'),
  );

  it('accepts zero only when asked to', () => expect(parseDuration('0s', true)).toEqual({ ms: 0 }));
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [90_000, '90s'],
    [600_000, '10m'],
    [86_400_000, '1d'],
    [1_500, '1500ms'],
  ])('renders %d as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
