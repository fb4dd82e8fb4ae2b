import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayDecide, type QuorumInput, quorumStatus, type RecordedDecision, recordDecision } from './approval-quorum.js';
import type { ApprovalRequirement } from './approval-requirement.js';

const MEMBERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

function requirement(members: readonly string[], approvals: number): ApprovalRequirement {
  return { approvers: ['team'], approvals, expires_in_ms: null, escalate: [], groups: { team: [...members] } };
}

function pending(req: ApprovalRequirement, submitter: string | null = 'agent-1'): QuorumInput {
  return {
    requirement: req,
    submitter,
    pending_since_ms: 0,
    expires_at_ms: null,
    decisions: [],
    submitter_may_decide: false,
  };
}

/** Plays approve/deny attempts in order, recording those accepted; returns each attempt's result. */
function play(input: QuorumInput, attempts: ReadonlyArray<{ by: string; approve: boolean }>) {
  let state = input;
  const results = attempts.map((attempt, index) => {
    const result = recordDecision(
      state,
      { name: attempt.by, groups: [] },
      { approve: attempt.approve, reason: null },
      index,
    );
    if (result.ok) state = { ...state, decisions: [...state.decisions, result.decision] };
    return result;
  });
  return { results, final: quorumStatus(state, attempts.length) };
}

const team = fc.integer({ min: 1, max: MEMBERS.length }).map((size) => MEMBERS.slice(0, size));
const teamAndQuorum = team.chain((members) =>
  fc.tuple(fc.constant(members), fc.integer({ min: 1, max: members.length })),
);

describe('quorum properties', () => {
  it('approves exactly at the Nth distinct allowed approval, whatever the repeats', () => {
    fc.assert(
      fc.property(
        teamAndQuorum.chain(([members, n]) =>
          fc.tuple(fc.constant(members), fc.constant(n), fc.array(fc.constantFrom(...members), { maxLength: 20 })),
        ),
        ([members, n, voters]) => {
          const { results } = play(
            pending(requirement(members, n)),
            voters.map((by) => ({ by, approve: true })),
          );
          const seen = new Set<string>();
          results.forEach((result, index) => {
            const by = voters[index] as string;
            if (seen.size >= n) expect(result.ok ? result.outcome : result.refusal.code).toBe('already_decided');
            else if (seen.has(by)) expect(result.ok ? result.outcome : result.refusal.code).toBe('already_approved');
            else {
              seen.add(by);
              expect(result.ok && result.outcome).toBe(seen.size === n ? 'approved' : 'partial');
              if (result.ok) expect(result.status.remaining).toBe(n - seen.size);
            }
          });
        },
      ),
    );
  });

  it('reaches the same outcome whatever the order of the same decisions', () => {
    fc.assert(
      fc.property(
        teamAndQuorum.chain(([members, n]) =>
          fc.tuple(
            fc.constant(n),
            fc
              .shuffledSubarray(members, { minLength: n })
              .chain((voters) =>
                fc.tuple(fc.constant(voters), fc.shuffledSubarray(voters, { minLength: voters.length })),
              ),
          ),
        ),
        ([n, [voters, reordered]]) => {
          const approveAll = (names: string[]) => names.map((by) => ({ by, approve: true }));
          const first = play(pending(requirement(MEMBERS, n)), approveAll(voters)).final;
          const second = play(pending(requirement(MEMBERS, n)), approveAll(reordered)).final;
          expect(first.state).toBe('approved');
          expect(second.state).toBe(first.state);
          expect(second.approvals).toHaveLength(n);
        },
      ),
    );
  });

  it('denies on any allowed deny before the quorum, and never approves after it', () => {
    fc.assert(
      fc.property(
        teamAndQuorum.chain(([members, n]) =>
          fc.tuple(
            fc.constant(members),
            fc.constant(n),
            fc.array(fc.record({ by: fc.constantFrom(...members, 'outsider', 'agent-1'), approve: fc.boolean() }), {
              maxLength: 20,
            }),
          ),
        ),
        ([members, n, attempts]) => {
          const { results, final } = play(pending(requirement(members, n)), attempts);
          const firstDeny = results.findIndex((r) => r.ok && r.outcome === 'denied');
          const firstApproved = results.findIndex((r) => r.ok && r.outcome === 'approved');
          if (firstDeny >= 0) {
            expect(final.state).toBe('denied');
            expect(firstApproved).toBe(-1);
            expect(final.denial?.by).toBe(attempts[firstDeny]?.by);
          }
          // Without an accepted deny, an allowed deny was never attempted while pending.
          if (firstDeny < 0) {
            const pendingUntil = firstApproved < 0 ? attempts.length : firstApproved;
            const before = attempts.slice(0, pendingUntil);
            // An allowed deny: a member (not the submitter) who had not approved before it.
            const denied = before.some(
              (a, i) =>
                !a.approve && members.includes(a.by) && !before.slice(0, i).some((b) => b.approve && b.by === a.by),
            );
            expect(denied).toBe(false);
          }
          // Outsiders and the submitter never change anything.
          results.forEach((result, index) => {
            const by = attempts[index]?.by;
            if (by === 'outsider' || by === 'agent-1') expect(result.ok).toBe(false);
          });
        },
      ),
    );
  });

  it('never counts the submitter between named identities, even from stored decisions', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            by: fc.constantFrom('alice', 'bob', 'Alice@x.example', 'alice@X.example'),
            approve: fc.constant(true),
          }),
          {
            maxLength: 8,
          },
        ),
        (stored) => {
          const decisions: RecordedDecision[] = stored.map((d, i) => ({ ...d, at_ms: i, reason: null }));
          const input = {
            ...pending(requirement(['alice', 'bob', 'alice@x.example'], 3), 'alice@x.example'),
            decisions,
          };
          const status = quorumStatus(input, 100);
          expect(status.approvals.map((a) => a.by.toLowerCase())).not.toContain('alice@x.example');
          expect(status.state).toBe('pending');
        },
      ),
    );
  });
});

describe('mayDecide', () => {
  const input = pending(requirement(['alice', 'bob'], 1), 'alice');

  it('refuses someone outside the approvers and says who may', () => {
    const answer = mayDecide(input, { name: 'mallory', groups: ['team'] }, 0);
    expect(answer).toEqual({
      ok: false,
      code: 'not_an_approver',
      message: 'mallory may not decide on this action; waiting for team',
      who_may: { any_approver: false, approvers: ['team'], identities: ['bob'], runtime_groups: [] },
    });
  });

  it('refuses the submitter before asking whether they are an approver', () => {
    expect(mayDecide(input, { name: 'alice', groups: [] }, 0).code).toBe('self_approval_forbidden');
  });

  it('lets the submitter decide when the server says every caller shares one identity', () => {
    expect(mayDecide({ ...input, submitter_may_decide: true }, { name: 'alice', groups: [] }, 0)).toEqual({
      ok: true,
      code: 'ok',
    });
  });

  it('refuses everyone once the window has closed', () => {
    expect(mayDecide({ ...input, expires_at_ms: 10 }, { name: 'bob', groups: [] }, 10).code).toBe('expired');
  });

  it('treats a reference it cannot read in a stored requirement as nobody', () => {
    const stored = { ...input, requirement: { ...input.requirement, approvers: ['user:', 'ghost-group'] } };
    expect(mayDecide(stored, { name: 'bob', groups: ['ghost-group'] }, 0).code).toBe('not_an_approver');
  });
});

describe('recordDecision', () => {
  it('returns the decision to store and the progress after it', () => {
    const input = pending(requirement(['alice', 'bob'], 2));
    const result = recordDecision(input, { name: 'bob', groups: [] }, { approve: true, reason: 'looks right' }, 5_000);
    expect(result).toMatchObject({
      ok: true,
      outcome: 'partial',
      decision: { by: 'bob', approve: true, at_ms: 5_000, reason: 'looks right' },
      status: { state: 'pending', approvals_required: 2, remaining: 1, reachable: true },
    });
  });
});
