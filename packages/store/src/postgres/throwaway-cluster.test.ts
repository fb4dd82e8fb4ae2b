import { describe, expect, it } from 'vitest';
import { postgresAvailability } from './throwaway-cluster.js';

describe('postgres availability for tests', () => {
  it('runs the tests when the binaries are found', () => {
    expect(postgresAvailability('/usr/lib/postgresql/15/bin', '')).toEqual({
      available: true,
      bin: '/usr/lib/postgresql/15/bin',
    });
  });

  it('skips with a reason outside CI when PostgreSQL is missing', () => {
    expect(postgresAvailability(null, '')).toMatchObject({
      available: false,
      reason: expect.stringContaining('postgresql'),
    });
  });

  it('fails instead of skipping under CI when PostgreSQL is missing', () => {
    expect(() => postgresAvailability(null, 'true')).toThrow(/CI is set, so the PostgreSQL tests are mandatory/);
  });
});
