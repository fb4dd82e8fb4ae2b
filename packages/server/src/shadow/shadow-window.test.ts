import { describe, expect, it } from 'vitest';
import { reportPeriod, reportSince } from './shadow-window.js';

const NOW = new Date('2030-01-10T12:00:00.000Z');

describe('report window', () => {
  it.each([
    ['24h', '2030-01-09T12:00:00.000Z'],
    ['7d', '2030-01-03T12:00:00.000Z'],
    ['30m', '2030-01-10T11:30:00.000Z'],
    ['2030-01-10T00:00:00Z', '2030-01-10T00:00:00.000Z'],
    ['2030-01-10T02:00:00.5+02:00', '2030-01-10T00:00:00.500Z'],
  ])('starts %s back at %s', (since, start) => {
    expect(reportSince(since, NOW)).toEqual({ since: start });
  });

  it.each([
    ['yesterday', 'must be a duration'],
    ['-1h', 'must be a duration'],
    ['0h', 'must be a duration'],
    ['2030-01-10 00:00', 'must be a duration'],
    // Date.parse would read these as 2030-01-02 and 2030-01-11T00:00.
    ['2029-12-33T00:00:00Z', 'must be a duration'],
    ['2030-01-10T24:00:00Z', 'must be a duration'],
    ['2030-01-11T00:00:00Z', 'not be in the future'],
    ['91d', 'at most 90 days'],
  ])('refuses since=%s (%s)', (since, problem) => {
    const result = reportSince(since, NOW);
    expect('problem' in result && result.problem).toContain(problem);
  });
});

describe('report period', () => {
  const DAY_AGO = '2030-01-09T12:00:00.000Z';
  it.each([
    ['set before the window: the window', '2030-01-01T00:00:00.000Z', DAY_AGO],
    ['set inside the window: from when it was set', '2030-01-10T09:00:00.000Z', '2030-01-10T09:00:00.000Z'],
    ['not the current one (unknown): the window', null, DAY_AGO],
    ["set ahead of this server's clock: empty", '2030-01-10T12:00:05.000Z', NOW.toISOString()],
  ])('counts a shadow policy %s', (_, setAt, since) => {
    expect(reportPeriod(DAY_AGO, setAt, NOW)).toEqual({ since, until: NOW.toISOString() });
  });
});
