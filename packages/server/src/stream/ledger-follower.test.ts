import { randomUUID } from 'node:crypto';
import { createMemoryStore, type EventRecord, type Store } from '@faramesh/store';
import { describe, expect, it, vi } from 'vitest';
import { sampleAction } from '../testing/sample-action.js';
import { EventHub } from './event-hub.js';
import { followLedger } from './ledger-follower.js';

/** A memory store shared by "replicas", with a watch the test triggers by hand (as NOTIFY would). */
function sharedStore() {
  const store = createMemoryStore();
  const listeners = new Set<(seq: number | null) => void>();
  const watched: Store = Object.assign(Object.create(store) as Store, {
    watch(listener: (seq: number | null) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const notify = (seq: number | null) => {
    for (const listener of listeners) listener(seq);
  };
  const write = async () =>
    (
      await store.createAction({
        action: sampleAction(),
        events: [{ id: randomUUID(), event_type: 'created', meta: {} }],
      })
    ).events;
  return { store, watched, notify, write };
}

describe('ledger follower', () => {
  it('does nothing for a store without watch', async () => {
    expect(await followLedger(createMemoryStore(), new EventHub(), () => {})).toBeNull();
  });

  it('publishes events committed elsewhere, once each, in seq order', async () => {
    const { store, watched, notify, write } = sharedStore();
    await store.migrate();
    await write();
    const hub = new EventHub();
    const received: EventRecord[] = [];
    hub.subscribe((events) => received.push(...events));
    const follower = await followLedger(watched, hub, () => {});
    const remote = [...(await write()), ...(await write())];
    notify(remote[1]!.seq);
    await vi.waitFor(() => expect(received.map((e) => e.seq)).toEqual([2, 3]));
    notify(null);
    notify(3);
    await new Promise((r) => setTimeout(r, 20));
    expect(received.map((e) => e.seq)).toEqual([2, 3]);
    follower?.close();
  });

  it('skips its own replica’s notifications but still fills a gap before them', async () => {
    const { store, watched, notify, write } = sharedStore();
    await store.migrate();
    const hub = new EventHub();
    const received: number[] = [];
    hub.subscribe((events) => received.push(...events.map((e) => e.seq)));
    const follower = await followLedger(watched, hub, () => {});
    const local = await write();
    hub.publish(local);
    notify(local[0]!.seq);
    // Seq 2 lands on another replica, 3 here: the follower must fetch 2 and not re-send 3.
    const remote = await write();
    const ownAgain = await write();
    hub.publish(ownAgain);
    notify(remote[0]!.seq);
    await vi.waitFor(() => expect(received).toEqual([1, 3, 2]));
    expect(hub.since(0)?.map((e) => e.seq)).toEqual([1, 2, 3]);
    follower?.close();
  });
});
