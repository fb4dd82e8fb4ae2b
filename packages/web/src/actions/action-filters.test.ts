import { describe, expect, it } from 'vitest';
import { makeAction } from '../test/fake-server.js';
import { filtersFromSearch, matchesFilters } from './action-filters.js';

describe('action filters', () => {
  it('read only valid statuses and risks from the URL', () => {
    expect(filtersFromSearch('?status=pending_approval&risk_level=extreme&q=%20ls%20')).toEqual({
      status: 'pending_approval',
      q: 'ls',
    });
  });

  it('match a live action like the server would, with q over id, agent, tool and operation', () => {
    const action = makeAction({ agent_id: 'Billing-Bot', tool: 'stripe', operation: 'refund' });
    expect(matchesFilters(action, { q: 'billing' })).toBe(true);
    expect(matchesFilters(action, { q: 'REFUND', tool: 'stripe' })).toBe(true);
    expect(matchesFilters(action, { status: 'denied' })).toBe(false);
  });
});
