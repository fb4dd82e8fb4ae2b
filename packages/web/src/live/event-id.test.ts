import { describe, expect, it } from 'vitest';
import { isNewerEventId } from './event-id.js';

describe('isNewerEventId', () => {
  it('compares ledger sequences numerically, beyond 2^53', () => {
    expect(isNewerEventId('10', '9')).toBe(true);
    expect(isNewerEventId('9', '10')).toBe(false);
    expect(isNewerEventId('9007199254740993', '9007199254740992')).toBe(true);
    expect(isNewerEventId('5', '5')).toBe(false);
    expect(isNewerEventId('1', null)).toBe(true);
  });
});
