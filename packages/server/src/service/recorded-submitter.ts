import { type Submitter, submitterOf } from '@faramesh/contract';
import type { Store } from '@faramesh/store';

/** The principal that submitted an action, from its `created` ledger event; null when not recorded. */
export async function recordedSubmitter(store: Store, actionId: string): Promise<Submitter | null> {
  const events = await store.listEvents(actionId);
  const created = events.find((event) => event.event_type === 'created');
  return created === undefined ? null : submitterOf(created.meta);
}
