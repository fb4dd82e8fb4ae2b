import type { EventRecord } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { sampleAction } from '../testing/sample-action.js';
import { EventHub } from './event-hub.js';

/** A committed event whose action snapshot carries `size` characters of params. */
function event(seq: number, size = 10): EventRecord {
  const action = { ...sampleAction({ params: { blob: 'x'.repeat(size) } }), updated_at: '', version: 1 };
  return {
    seq,
    id: `e${seq}`,
    action_id: action.id,
    event_type: 'created',
    meta: {},
    created_at: action.created_at,
    prev_hash: 'p',
    hash: 'h',
    action,
  };
}

const KB = 1024;

describe('event hub', () => {
  it('keeps the ring under its byte bound by dropping the oldest events', () => {
    const hub = new EventHub({ maxBytes: 1024 * KB });
    for (let seq = 1; seq <= 100; seq++) hub.publish([event(seq, 100 * KB)]);
    const { events, bytes } = hub.usage;
    expect(bytes).toBeLessThanOrEqual(1024 * KB);
    expect(events).toBeGreaterThanOrEqual(9);
    expect(events).toBeLessThanOrEqual(10);
    // The newest are kept; a reader behind them is told to read the ledger (null), never given a gap.
    expect(hub.since(100 - events)?.map((e) => e.seq)).toEqual(
      Array.from({ length: events }, (_, i) => 101 - events + i),
    );
    expect(hub.since(0)).toBeNull();
    expect(hub.since(50)).toBeNull();
  });

  it('still keeps up to its count bound of small events', () => {
    const hub = new EventHub({ maxEvents: 100 });
    for (let seq = 1; seq <= 1000; seq++) hub.publish([event(seq)]);
    expect(hub.usage.events).toBe(100);
    expect(hub.since(900)).toHaveLength(100);
    expect(hub.since(899)).toBeNull();
  });

  it('counts rendered frames in its bytes and renders each event once', () => {
    const hub = new EventHub({ maxBytes: 1024 * KB });
    const e = event(1, 100 * KB);
    hub.publish([e]);
    const before = hub.usage.bytes;
    let renders = 0;
    const render = (x: EventRecord) => {
      renders += 1;
      return JSON.stringify(x);
    };
    const frame = hub.frame(e, render);
    expect(hub.frame(e, render)).toBe(frame);
    expect(renders).toBe(1);
    expect(hub.usage.bytes).toBe(before + frame.length);
    // An event the ring doesn't hold (read from the store) is rendered but not kept.
    hub.frame(event(7), render);
    hub.frame(event(7), render);
    expect(renders).toBe(3);
  });

  it('drops an event larger than the whole bound at once, and readers go to the ledger', () => {
    const hub = new EventHub({ maxBytes: 64 * KB });
    const woken: number[] = [];
    hub.subscribe((events) => woken.push(...events.map((e) => e.seq)));
    hub.publish([event(1, 100 * KB)]);
    expect(woken).toEqual([1]);
    expect(hub.usage).toEqual({ events: 0, bytes: 0 });
    expect(hub.since(0)).toBeNull();
  });

  it('hands a reader far behind the ring in slices of about maxBytes', () => {
    const hub = new EventHub();
    for (let seq = 1; seq <= 50; seq++) hub.publish([event(seq, 10 * KB)]);
    const slice = hub.since(0, 64 * KB);
    expect(slice?.length).toBeGreaterThanOrEqual(6);
    expect(slice?.length).toBeLessThanOrEqual(7);
    expect(hub.since(0, 1)?.map((e) => e.seq)).toEqual([1]);
    expect(hub.since(50, 64 * KB)).toEqual([]);
  });

  it('tells listeners the estimated bytes of what was published, once per event', () => {
    const hub = new EventHub();
    const seen: number[] = [];
    hub.subscribe((_events, bytes) => seen.push(bytes));
    const e = event(1, 50 * KB);
    hub.publish([e]);
    hub.publish([e]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(50 * KB);
    expect(seen[0]).toBeLessThan(52 * KB);
  });
});
