import { characterCount, isBlankText } from './blank-text.js';
import type { PRINCIPAL_ROLES } from './types.js';

/**
 * Who may break glass (force-approve a pending action past its approvers and quorum) and who may
 * acknowledge the review that opens, as data. The server asks these rules and records what they say;
 * request binding (the action's request_hash) and the lifecycle table still apply on top of them.
 */
export const BREAK_GLASS_RULES = {
  /** Roles that may force-approve. */
  may_break_glass: ['admin'],
  /** Roles that may acknowledge a break-glass review. */
  may_acknowledge: ['approver', 'admin'],
  /**
   * A reason is mandatory: at least one character a person can see (not only whitespace, zero-width
   * or other invisible characters: `isBlankText`), at most this many characters (code points).
   */
  max_reason_chars: 2000,
  /** Notes on an acknowledgement, at most this many characters. */
  max_note_chars: 2000,
} as const satisfies {
  may_break_glass: readonly Role[];
  may_acknowledge: readonly Role[];
  max_reason_chars: number;
  max_note_chars: number;
};

type Role = (typeof PRINCIPAL_ROLES)[number];

/** The identity acting: `shared` for one identity used by everyone (open mode, FARAMESH_TOKEN). */
export interface BreakGlassActor {
  name: string;
  role: Role;
  shared: boolean;
}

export type BreakGlassRefusalCode =
  | 'forbidden'
  | 'break_glass_reason_required'
  | 'self_approval_forbidden'
  | 'review_already_acknowledged'
  | 'self_review_forbidden';

export type BreakGlassVerdict =
  | {
      ok: true /** The actor is the other party but a shared identity: allowed, and recorded as such. */;
      same_identity: boolean;
    }
  | { ok: false; code: BreakGlassRefusalCode; message: string };

/**
 * May `actor` force-approve an action submitted by `submittedBy`, giving `reason`? Admins only, with
 * a reason, and never on their own action (separation of duties), except for a shared identity,
 * which can't be separated from itself.
 */
export function mayBreakGlass(actor: BreakGlassActor, submittedBy: string | null, reason: unknown): BreakGlassVerdict {
  if (!(BREAK_GLASS_RULES.may_break_glass as readonly Role[]).includes(actor.role)) {
    return refuse(
      'forbidden',
      `role "${actor.role}" may not break glass; only ${list(BREAK_GLASS_RULES.may_break_glass)}`,
    );
  }
  if (typeof reason !== 'string' || isBlankText(reason)) {
    return refuse(
      'break_glass_reason_required',
      'breaking glass needs a reason (not only spaces or invisible characters): say why this cannot wait for approvers',
    );
  }
  if (characterCount(reason) > BREAK_GLASS_RULES.max_reason_chars) {
    return refuse(
      'break_glass_reason_required',
      `the reason is longer than ${BREAK_GLASS_RULES.max_reason_chars} characters`,
    );
  }
  const same = submittedBy !== null && submittedBy === actor.name;
  if (same && !actor.shared) {
    return refuse('self_approval_forbidden', 'the submitter of an action may not break glass on it');
  }
  return { ok: true, same_identity: same };
}

/**
 * May `actor` acknowledge the review of a break-glass approval by `brokenBy` of an action submitted
 * by `submittedBy`? An approver or admin other than whoever broke the glass and the submitter (a
 * shared identity excepted, recorded as such); each review is acknowledged once.
 */
export function mayAcknowledge(
  actor: BreakGlassActor,
  review: { broken_by: string; submitted_by: string | null; acknowledged_by: string | null },
): BreakGlassVerdict {
  if (!(BREAK_GLASS_RULES.may_acknowledge as readonly Role[]).includes(actor.role)) {
    return refuse(
      'forbidden',
      `role "${actor.role}" may not acknowledge reviews; only ${list(BREAK_GLASS_RULES.may_acknowledge)}`,
    );
  }
  if (review.acknowledged_by !== null) {
    return refuse('review_already_acknowledged', `this review was already acknowledged by ${review.acknowledged_by}`);
  }
  const same = actor.name === review.broken_by || (review.submitted_by !== null && actor.name === review.submitted_by);
  if (same && !actor.shared) {
    const who = actor.name === review.broken_by ? 'whoever broke the glass' : 'the submitter of the action';
    return refuse('self_review_forbidden', `${who} may not acknowledge its review; another approver must`);
  }
  return { ok: true, same_identity: same };
}

function refuse(code: BreakGlassRefusalCode, message: string): BreakGlassVerdict {
  return { ok: false, code, message };
}

function list(roles: readonly string[]): string {
  return roles.join(' or ');
}
