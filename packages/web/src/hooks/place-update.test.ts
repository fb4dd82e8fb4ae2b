import { describe, expect, it } from 'vitest';
import { makeAction } from '../test/fake-server.js';
import { placeUpdate } from './use-action-page.js';

describe('placeUpdate', () => {
  const old = makeAction({ created_at: '2025-01-01T00:00:00.000Z' });

  it('puts a new matching action at the top of the first page', () => {
    const fresh = makeAction({ created_at: '2025-01-02T00:00:00.000Z' });
    expect(placeUpdate([old], fresh, {}, 20, 0)).toEqual([fresh, old]);
  });

  it('updates a shown row in place', () => {
    const next = placeUpdate([old], { ...old, status: 'approved', version: 2 }, {}, 20, 0);
    expect(next !== 'elsewhere' && next[0]?.status).toBe('approved');
  });

  it('leaves out actions that do not match the filters', () => {
    const rows = [old];
    expect(placeUpdate(rows, makeAction({ tool: 'http' }), { tool: 'shell' }, 20, 0)).toBe(rows);
  });

  it('counts a new action as elsewhere when the user is on a later page', () => {
    expect(placeUpdate([old], makeAction(), {}, 20, 20)).toBe('elsewhere');
  });
});
