import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalDeadline, dueEscalations } from './approval-escalation.js';
import type { ApprovalRequirement } from './approval-requirement.js';

function withSteps(afters: readonly number[]): ApprovalRequirement {
  return {
    approvers: ['team'],
    approvals: 1,
    expires_in_ms: null,
    escalate: afters.map((after_ms) => ({ after_ms, approvers: [], notify: ['user:boss'] })),
    groups: { team: ['alice'] },
  };
}

const strictlyIncreasing = fc
  .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 6 })
  .map((values) => [...values].sort((a, b) => a - b));

describe('dueEscalations', () => {
  it('fires every step exactly once, in order, never early, whenever the sweeper runs', () => {
    fc.assert(
      fc.property(
        strictlyIncreasing,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 12_000 }), { maxLength: 12 }),
        (afters, since, sweepTimes) => {
          const req = withSteps(afters);
          let fired = 0;
          const seen: number[] = [];
          for (const offset of [...sweepTimes].sort((a, b) => a - b)) {
            const now = since + offset;
            const { due, next_at_ms } = dueEscalations(req, since, fired, now);
            for (const step of due) expect(step.fires_at_ms).toBeLessThanOrEqual(now);
            if (next_at_ms !== null) expect(next_at_ms).toBeGreaterThan(now);
            seen.push(...due.map((step) => step.index));
            fired += due.length;
          }
          expect(seen).toEqual(seen.map((_, index) => index));
          const last = sweepTimes.length === 0 ? -1 : Math.max(...sweepTimes);
          expect(seen).toHaveLength(afters.filter((after) => after <= last).length);
        },
      ),
    );
  });

  it('hands the sweeper what to record and when to look again', () => {
    expect(dueEscalations(withSteps([600_000, 1_200_000]), 1_000, 0, 601_000)).toEqual({
      due: [{ index: 0, fires_at_ms: 601_000, approvers: [], notify: ['user:boss'] }],
      next_at_ms: 1_201_000,
    });
  });
});

describe('approvalDeadline', () => {
  it("prefers the rule's window, then the server's default, and 0 means never", () => {
    expect(approvalDeadline({ ...withSteps([]), expires_in_ms: 60_000 }, 1_000, 3_600_000)).toBe(61_000);
    expect(approvalDeadline(withSteps([]), 1_000, 3_600_000)).toBe(3_601_000);
    expect(approvalDeadline(withSteps([]), 1_000, 0)).toBeNull();
    expect(approvalDeadline(withSteps([]), 1_000, null)).toBeNull();
  });
});
