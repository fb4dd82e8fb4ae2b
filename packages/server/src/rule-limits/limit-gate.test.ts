import { evaluate, loadPolicy } from '@faramesh/policy';
import type { NewEvent } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { countedAmount, limitGate, type SubmissionWrite, windowStart } from './limit-gate.js';

const POLICY = `rules:
  - match: { tool: http }
    allow: true
    limit: { count: 3, per: 1h, by: [agent_id] }
`;

function verdictFor() {
  const loaded = loadPolicy(POLICY, 'policy.yaml');
  if (!loaded.ok) throw new Error('the test policy does not load');
  return evaluate(loaded.policy, {
    agent_id: 'a1',
    tool: 'http',
    operation: 'get',
    params: {},
    context: {},
    principal: { name: null, role: null, groups: [] },
  } as never);
}

/** A write as submissionWriter builds it: new event ids on every call, one webhook message for the decision. */
function writer() {
  let builds = 0;
  const write = (): SubmissionWrite => {
    builds += 1;
    const decided: NewEvent = { id: `event-${builds}`, event_type: 'decision_made', meta: {} };
    return {
      action: { id: 'action-1' } as SubmissionWrite['action'],
      events: [{ id: `created-${builds}`, event_type: 'created', meta: {} }, decided],
      notifications: [
        { id: `msg-${builds}`, channel: 'ops', event_type: 'decision_made', action_id: 'action-1', payload: {} },
      ],
    };
  };
  return { write, builds: () => builds };
}

describe('limitGate', () => {
  it('keeps the action and its webhook messages when the usage changes only the recorded figure', () => {
    const verdict = verdictFor();
    const { write, builds } = writer();
    const written = write();
    const gate = limitGate(verdict, written, Date.parse('2026-01-01T00:00:00.000Z'), write);
    const decided = gate?.decide(1);
    expect(builds()).toBe(1);
    expect(decided?.action).toBe(written.action);
    expect(decided?.notifications).toBe(written.notifications);
    // The kept messages refer to the events stored: the same ids, the decision with its usage.
    expect(decided?.events.map((e) => e.id)).toEqual(['created-1', 'event-1']);
    expect(decided?.events[1]?.meta).toMatchObject({ limit: { used: 1, max: 3 } });
  });

  it('builds the write again when the usage changes the outcome', () => {
    const verdict = verdictFor();
    const { write, builds } = writer();
    const gate = limitGate(verdict, write(), Date.parse('2026-01-01T00:00:00.000Z'), write);
    const decided = gate?.decide(3);
    expect(builds()).toBe(2);
    expect(decided?.notifications?.[0]?.id).toBe('msg-2');
  });
});

describe('windowStart', () => {
  it('is the instant one window before the call, for each call whether or not it repeats the last', () => {
    const at = Date.parse('2031-01-01T12:00:00.000Z');
    const hour = { per_ms: 3_600_000 };
    const day = { per_ms: 86_400_000 };
    const starts = [
      windowStart(at, hour),
      windowStart(at, hour),
      windowStart(at, day),
      windowStart(at + 1, hour),
      windowStart(at, hour),
    ];
    expect(starts).toEqual([
      '2031-01-01T11:00:00.000Z',
      '2031-01-01T11:00:00.000Z',
      '2030-12-31T12:00:00.000Z',
      '2031-01-01T11:00:00.001Z',
      '2031-01-01T11:00:00.000Z',
    ]);
  });
});

describe('countedAmount', () => {
  const check = (amount: number | null, max: number) => ({ amount, max }) as Parameters<typeof countedAmount>[0];

  it('counts an amount within the budget as it is, and one beyond it as just more than the budget', () => {
    expect(countedAmount(check(1, 3))).toBe(1);
    expect(countedAmount(check(99.5, 100))).toBe(99.5);
    expect(countedAmount(check(101, 100))).toBe(101);
    expect(countedAmount(check(1e300, 100))).toBe(101);
    expect(countedAmount(check(5, 0.5))).toBe(1.5);
  });

  it('counts nothing for no limit or an unreadable amount', () => {
    expect(countedAmount(null)).toBe(0);
    expect(countedAmount(check(null, 100))).toBe(0);
  });
});
