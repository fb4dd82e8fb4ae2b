/** Limited submissions for the store contract's limit parts (limits.contract.ts, usage-prune.contract.ts). */
import type { GatedCreate, LimitGate } from '../limit-usage.js';
import type { CreateActionInput, NewAction } from '../store.js';
import { newEvents, sampleAction } from './fixtures.js';

export const KEY = 'k'.repeat(64);

/**
 * A submission as the server writes it: allowed while `used + amount <= max`, else pending approval
 * (or denied); `seen` records the usage each decision saw.
 */
export function limited(
  created_at: string,
  options: { max: number; amount?: number; over?: 'pending_approval' | 'denied'; seen?: number[]; key?: string },
  overrides: Partial<NewAction> = {},
): CreateActionInput {
  const amount = options.amount ?? 1;
  const action = sampleAction({ created_at, ...overrides });
  const gate: LimitGate = {
    key: options.key ?? KEY,
    since: new Date(Date.parse(created_at) - 3_600_000).toISOString(),
    decide(used): GatedCreate {
      options.seen?.push(used);
      const fits = used + amount <= options.max;
      const status = fits ? 'allowed' : (options.over ?? 'pending_approval');
      const decision = status === 'allowed' ? 'allow' : status === 'denied' ? 'deny' : 'require_approval';
      return {
        action: { ...action, status, decision, reason: fits ? 'within' : `reached: ${used} used` },
        events: newEvents('created', 'decision_made'),
        amount,
      };
    },
  };
  // The provisional action (what the server decided with no usage) is never what gets written here.
  return { action: { ...action, reason: 'provisional' }, events: newEvents('created', 'decision_made'), limit: gate };
}

export const at = (minute: number): string =>
  new Date(Date.parse('2031-01-01T00:00:00.000Z') + minute * 60_000).toISOString();
