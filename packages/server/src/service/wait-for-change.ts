import type { ActionRecord, Store } from '@faramesh/store';
import type { EventHub } from '../stream/event-hub.js';

/**
 * Resolves with the action's current state as soon as it leaves pending_approval (or, with
 * `afterVersion`, as soon as it changes past that version: a partial approval, an escalation),
 * after timeoutMs, or when `signal` aborts. It subscribes before re-reading, so a decision landing in between can't
 * be missed; wake-ups come from the hub, so no polling interval stands between a click and the answer.
 */
export function waitForChange(
  store: Store,
  hub: EventHub,
  initial: ActionRecord,
  timeoutMs: number,
  signal: AbortSignal,
  afterVersion?: number,
): Promise<ActionRecord> {
  const changed = (action: ActionRecord): boolean =>
    action.status !== 'pending_approval' || (afterVersion !== undefined && action.version > afterVersion);
  return new Promise<ActionRecord>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      store.getAction(initial.id).then((record) => resolve(record ?? initial), reject);
    };
    const unsubscribe = hub.subscribe((events) => {
      if (events.some((e) => e.action_id === initial.id && changed(e.action))) finish();
    });
    const timer = setTimeout(finish, timeoutMs);
    if (signal.aborted) return finish();
    signal.addEventListener('abort', finish);
    store.getAction(initial.id).then((record) => {
      if (record !== null && changed(record)) finish();
    }, reject);
  });
}
