import { describe, expect, it } from 'vitest';
import { reportSince } from './shadow-window.js';

const NOW = new Date('2030-01-10T12:00:00.000Z');

describe('report window', () => {
  it.each([
    ['24h', '2030-01-09T12:00:00.000Z'],
    ['7d', '2030-01-03T12:00:00.000Z'],
    ['30m', '2030-01-10T11:30:00.000Z'],
    ['2030-01-10T00:00:00Z', '2030-01-10T00:00:00.000Z'],
  ])('starts %s back at %s', (since, start) => {
    expect(reportSince(since, NOW)).toEqual({ since: start });
  });

  it.each([
    ['yesterday', 'neither a duration'],
    ['-1h', 'neither a duration'],
    ['0h', 'neither a duration'],
    ['2030-01-10 00:00', 'neither a duration'],
    ['2030-01-11T00:00:00Z', 'in the future'],
    ['91d', 'more than 90 days'],
  ])('refuses since=%s (%s)', (since, problem) => {
    const result = reportSince(since, NOW);
    expect('problem' in result && result.problem).toContain(problem);
  });
});
