import type { Action } from '@faramesh/contract';

/** Demo-seeded actions carry `context.demo === true` (`faramesh serve --demo`). */
export function isDemoAction(action: Pick<Action, 'context'>): boolean {
  return action.context.demo === true;
}
