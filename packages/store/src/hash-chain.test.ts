import { canonicalJson } from '@faramesh/canonical';
import { describe, expect, it } from 'vitest';
import { eventHash, eventHashWithSnapshot, verifyLedger } from './hash-chain.js';
import { sampleAction } from './store.contract.js';
import { type ActionRecord, type EventRecord, GENESIS_HASH } from './store.js';

const action: ActionRecord = { ...sampleAction(), updated_at: '2030-01-01T00:00:00.000Z', version: 1 };

function chain(count: number): EventRecord[] {
  const events: EventRecord[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = {
      id: `e-${seq}`,
      action_id: action.id,
      event_type: 'created',
      meta: { seq, 'ü"\\': [1, { b: 2, a: 1 }] },
      created_at: action.created_at,
      action,
    };
    const hash = eventHash(prev, fields);
    events.push({ seq, ...fields, prev_hash: prev, hash });
    prev = hash;
  }
  return events;
}

describe('hash chain', () => {
  it('hashes the same with a precomputed snapshot as with canonicalJson of the whole event', () => {
    for (const event of chain(3)) {
      const { action: snapshot, ...fields } = event;
      expect(eventHashWithSnapshot(event.prev_hash, fields, canonicalJson(snapshot))).toBe(event.hash);
    }
  });

  it('verifies an intact chain and an empty ledger', () => {
    expect(verifyLedger(chain(4))).toEqual({ ok: true });
    expect(verifyLedger([])).toEqual({ ok: true });
  });

  it('verifies a slice when given the hash it continues from', () => {
    const events = chain(4);
    expect(verifyLedger(events.slice(2))).toMatchObject({ ok: false, seq: 3 });
    expect(verifyLedger(events.slice(2), { prevHash: events[1]!.hash })).toEqual({ ok: true });
  });

  it('reports a non-increasing seq', () => {
    const events = chain(3);
    events[2]!.seq = 2;
    expect(verifyLedger(events)).toMatchObject({ ok: false, seq: 2 });
  });

  it('reports a recomputed hash that does not match', () => {
    const events = chain(3);
    events[2]!.hash = 'f'.repeat(64);
    expect(verifyLedger(events)).toMatchObject({ ok: false, seq: 3, reason: expect.stringContaining('hash') });
  });
});
