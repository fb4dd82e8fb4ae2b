import { describe, expect, it } from 'vitest';
import { makeAction } from '../test/fake-server.js';
import { mergeAction } from './merge-action.js';

describe('mergeAction', () => {
  it('never rolls a row back to an older version replayed after a reconnect', () => {
    const v1 = makeAction({ version: 1, status: 'pending_approval' });
    const v2 = { ...v1, version: 2, status: 'approved' as const };
    expect(mergeAction(v2, v1).status).toBe('approved');
    expect(mergeAction(v1, v2).status).toBe('approved');
  });

  it('keeps the approval token that SSE frames leave out', () => {
    const listed = makeAction({ approval_token: 'tok' });
    const { approval_token: _omit, ...framed } = { ...listed, reason: 'changed' };
    expect(mergeAction(listed, framed).approval_token).toBe('tok');
  });
});
